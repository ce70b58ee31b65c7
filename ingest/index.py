"""The index: chunks embedded into a Chroma collection, plus the BM25 lexical index beside it.

`Index` holds the resources (Chroma client, embedder, lexical index). `sync` makes the
collection equal to the given documents' chunks: ids come from content, so unchanged chunks
are skipped (nothing embedded), changed documents have their old chunks replaced, and a
killed run is repaired by the next one (it adds what is missing and deletes what is stale;
new chunks are written before old ones are deleted, so nothing is lost on a crash).
Non-goals: loading, cleaning and chunking files (see pipeline.py); answer generation.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ingest.errors import StoreError
from ingest.settings import Settings
from ingest.types import Chunk, DocMeta
from ingest.lexical import LexicalIndex, TermCache, analyse, stamp_of

_META_KEYS = ("title", "path", "publisher", "doc_type", "date", "period", "source", "sha256")


class Embedder(Protocol):
    """What the index needs from an embedding model (ingest.embed.E5Embeddings is one)."""

    name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


@dataclass(frozen=True)
class SyncCounts:
    embedded: int = 0
    skipped: int = 0
    removed: int = 0
    updated: int = 0


def doc_year(meta: DocMeta) -> int:
    """The latest year the document's date or period names (0 when unknown)."""
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", f"{meta.date} {meta.period}")]
    return max(years, default=0)


def embed_text(chunk: Chunk, meta: DocMeta) -> str:
    """What the embedding model sees: title and section give the passage its context."""
    head = " > ".join(p for p in (meta.title, chunk.section) if p)
    return f"{head}\n{chunk.text}" if head else chunk.text


def to_metadata(chunk: Chunk, meta: DocMeta, root: str = "") -> dict:
    """Flat Chroma metadata (str/int only; None is stored as "" or -1)."""
    md = {k: getattr(meta, k) or "" for k in _META_KEYS}
    md.update(
        doc_id=chunk.doc_id, section=chunk.section, page=chunk.page if chunk.page is not None else -1,
        start=chunk.start, end=chunk.end, kind=chunk.kind, year=doc_year(meta),
        identifiers=json.dumps(list(meta.identifiers), ensure_ascii=False), root=root,
        links="\n".join(chunk.links),
        embed_sha=hashlib.sha256(embed_text(chunk, meta).encode()).hexdigest()[:16],
    )
    return md


def from_metadata(chunk_id: str, text: str, md: dict) -> tuple[Chunk, DocMeta]:
    page = int(md.get("page", -1))
    chunk = Chunk(chunk_id, md["doc_id"], text, md.get("section", ""), page if page >= 0 else None,
                  int(md.get("start", 0)), int(md.get("end", 0)), md.get("kind", "text"),
                  tuple(x for x in (md.get("links") or "").split("\n") if x))
    meta = DocMeta(doc_id=md["doc_id"], identifiers=tuple(json.loads(md.get("identifiers") or "[]")),
                   **{k: md.get(k, "") for k in _META_KEYS})
    return chunk, meta


def where_clause(doc_ids: Sequence[str] = (), doc_types: Sequence[str] = (),
                 year_from: int | None = None, year_to: int | None = None) -> dict | None:
    """Chroma `where` for the metadata filters; None when there is no filter."""
    parts: list[dict] = []
    if doc_ids:
        parts.append({"doc_id": {"$in": list(doc_ids)}})
    if doc_types:
        parts.append({"doc_type": {"$in": list(doc_types)}})
    if year_from is not None:
        parts.append({"year": {"$gte": int(year_from)}})
    if year_to is not None:
        parts.append({"year": {"$lte": int(year_to)}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


class Index:
    """Chroma collection + lexical index for one corpus. Built lazily; cheap to construct."""

    def __init__(self, settings: Settings, embedder: Embedder, client=None) -> None:
        self.settings = settings
        self.embedder = embedder
        self._client = client
        self._collection = None
        self._lexical: LexicalIndex | None = None
        self._vectorstore = None

    # -- resources ---------------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
            if self.settings.chroma_mode == "http":
                self._client = chromadb.HttpClient(host=self.settings.chroma_host,
                                                   port=self.settings.chroma_port, settings=chroma_settings)
            else:
                self.settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(self.settings.chroma_dir),
                                                         settings=chroma_settings)
        return self._client

    @property
    def sentences(self):
        """Sentence-vector cache for extractive answers (see sentences.py)."""
        if getattr(self, "_sentences", None) is None:
            from ingest.sentences import SentenceVectors

            self._sentences = SentenceVectors(self.settings.data_dir / "sentences.sqlite", self.embedder)
        return self._sentences

    @property
    def collection(self):
        if self._collection is None:
            name = getattr(self.embedder, "name", "unknown")
            col = self.client.get_or_create_collection(
                self.settings.collection, metadata={"hnsw:space": "cosine", "embed_model": name})
            built_with = (col.metadata or {}).get("embed_model")
            if built_with and built_with != name:
                raise StoreError(
                    f"the index in {self.settings.chroma_dir} was built with embedding model "
                    f"{built_with!r} but MBO_EMBED_MODEL is {name!r}; run `mbo-assistant ingest --rebuild` "
                    f"or set MBO_EMBED_MODEL={built_with}")
            self._collection = col
        return self._collection

    @property
    def vectorstore(self):
        """The collection as a LangChain vector store (used for dense retrieval)."""
        if self._vectorstore is None:
            from langchain_chroma import Chroma

            self.collection  # checks the embedding model the index was built with
            self._vectorstore = Chroma(client=self.client, collection_name=self.settings.collection,
                                       embedding_function=self.embedder)
        return self._vectorstore

    # -- reading -----------------------------------------------------------------------
    def count(self) -> int:
        return self.collection.count()

    def _get(self, **kwargs) -> dict:
        """collection.get in pages, so a large collection does not hit Chroma's batch limits."""
        out: dict = {"ids": [], "documents": [], "metadatas": []}
        page, offset = 5000, 0
        while True:
            res = self.collection.get(limit=page, offset=offset, **kwargs)
            for key in out:
                out[key].extend(res.get(key) or [])
            if len(res["ids"]) < page:
                return out
            offset += page

    def documents(self) -> dict[str, dict]:
        """doc_id -> {"sha256", "root", "path", "title", "chunks"} for everything in the index."""
        docs: dict[str, dict] = {}
        for md in self._get(include=["metadatas"])["metadatas"]:
            d = docs.setdefault(md["doc_id"], {"sha256": md.get("sha256", ""), "root": md.get("root", ""),
                                               "path": md.get("path", ""), "title": md.get("title", ""),
                                               "chunks": 0})
            d["chunks"] += 1
        return docs

    def fetch(self, ids: Sequence[str]) -> dict[str, tuple[Chunk, DocMeta]]:
        if not ids:
            return {}
        res = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        return {i: from_metadata(i, t, m) for i, t, m in zip(res["ids"], res["documents"], res["metadatas"])}

    def ids_where(self, where: dict | None) -> set[str] | None:
        return None if where is None else set(self._get(where=where, include=[])["ids"])

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index; rebuilt from the collection when missing or stale (e.g. after a crash,
        or after another process ingested into a shared Chroma server: checked every 30 s)."""
        now = time.monotonic()
        if self._lexical is None:
            self.refresh_lexical()
            self._checked = now
        elif now - getattr(self, "_checked", 0.0) > self.freshness_s:
            self._checked = now
            if self.generation() not in ("", self._stamp):
                self.refresh_lexical()
        return self._lexical

    freshness_s = 30.0

    def _meta_collection(self):
        return self.client.get_or_create_collection(f"{self.settings.collection}-meta")

    def generation(self) -> str:
        """The stamp (hash of the chunk-id set) the last ingest wrote beside the collection."""
        try:
            got = self._meta_collection().get(ids=["generation"], include=["documents"])
            return (got["documents"] or [""])[0] or ""
        except Exception:  # noqa: BLE001 - an older index without the marker: fall back to rebuild checks
            return ""

    def _set_generation(self, stamp: str) -> None:
        self._meta_collection().upsert(ids=["generation"], documents=[stamp],
                                       embeddings=[[0.0] * 2], metadatas=[{"kind": "generation"}])

    @property
    def terms(self) -> TermCache:
        """Analysed BM25 terms per passage (see lexical.TermCache); local, like the BM25 folder."""
        if getattr(self, "_terms", None) is None:
            self._terms = TermCache(self.settings.data_dir / "bm25-terms.sqlite")
        return self._terms

    def rebuild_lexical(self) -> None:
        """BM25 over the whole collection. Reads ids and metadata; texts only of passages whose
        terms are not cached (written by another process, an old index, a deleted cache)."""
        res = self._get(include=["metadatas"])
        ids = res["ids"]
        keys = [m.get("embed_sha", "") for m in res["metadatas"]]  # "" (old index): never cached
        known = self.terms.get(keys)
        missing = [i for i, k in zip(ids, keys) if k not in known]
        fetched: dict[str, list[str]] = {}
        for s in range(0, len(missing), 5000):
            got = self.collection.get(ids=missing[s:s + 5000], include=["documents", "metadatas"])
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"]):
                fetched[i] = analyse(f"{m.get('title', '')} {m.get('section', '')} {t}")
        self.terms.put({k: fetched[i] for i, k in zip(ids, keys) if k and i in fetched})
        self._lexical = LexicalIndex.from_terms(ids, [known[k] if k in known else fetched[i]
                                                      for i, k in zip(ids, keys)])
        self._stamp = stamp_of(ids)
        self._lexical.save(self.settings.lexical_dir, self._stamp)
        self.terms.prune({k for k in keys if k})

    # -- writing -----------------------------------------------------------------------
    def sync(self, docs: Iterable[tuple[DocMeta, list[Chunk], str]], bar=None) -> SyncCounts:
        """Make the index hold exactly these chunks for these documents (others untouched).

        docs: (meta, chunks, root) with root the folder the file was found in ("" for a file
        given by name). bar: optional progress bar with reset(total=) and update(n) (tqdm).
        """
        wanted: dict[str, tuple[str, dict]] = {}  # id -> (embed text, metadata)
        texts: dict[str, str] = {}
        doc_ids = []
        for meta, chunks, root in docs:
            doc_ids.append(meta.doc_id)
            for c in chunks:
                wanted[c.chunk_id] = (embed_text(c, meta), to_metadata(c, meta, root))
                texts[c.chunk_id] = c.text
        have = {}
        if doc_ids:
            res = self._get(where={"doc_id": {"$in": doc_ids}}, include=["metadatas"])
            have = dict(zip(res["ids"], res["metadatas"]))
        to_embed = [i for i, (_, md) in wanted.items() if i not in have or have[i].get("embed_sha") != md["embed_sha"]]
        to_update = [i for i, (_, md) in wanted.items() if i in have and i not in to_embed and have[i] != md]
        stale = [i for i in have if i not in wanted]

        if bar is not None:
            bar.reset(total=len(to_embed))
        batch = max(1, self.settings.embed_batch_size * 4)
        for s in range(0, len(to_embed), batch):
            ids = to_embed[s:s + batch]
            vectors = self.embedder.embed_documents([wanted[i][0] for i in ids])
            self.collection.upsert(ids=ids, embeddings=vectors, documents=[texts[i] for i in ids],
                                   metadatas=[wanted[i][1] for i in ids])
            # the BM25 terms of exactly this text (embed text = title, section, text), for rebuilds
            self.terms.put({wanted[i][1]["embed_sha"]: analyse(wanted[i][0]) for i in ids})
            if bar is not None:
                bar.update(len(ids))
        for s in range(0, len(to_update), 5000):
            ids = to_update[s:s + 5000]
            self.collection.update(ids=ids, metadatas=[wanted[i][1] for i in ids])
        self._delete(stale)
        return SyncCounts(embedded=len(to_embed), skipped=len(wanted) - len(to_embed),
                          removed=len(stale), updated=len(to_update))

    def remove_documents(self, doc_ids: Sequence[str]) -> int:
        if not doc_ids:
            return 0
        ids = self._get(where={"doc_id": {"$in": list(doc_ids)}}, include=[])["ids"]
        self._delete(ids)
        return len(ids)

    def _delete(self, ids: list[str]) -> None:
        for s in range(0, len(ids), 5000):
            self.collection.delete(ids=ids[s:s + 5000])

    def reset(self) -> None:
        """Drop the collection and the lexical index (for --rebuild)."""
        for name in (self.settings.collection, f"{self.settings.collection}-meta"):
            try:
                self.client.delete_collection(name)
            except Exception:  # noqa: BLE001 - absent collection; chroma raises various types
                pass
        self._collection = None
        self._lexical = None
        self._vectorstore = None

    def refresh_lexical(self) -> None:
        """After writes: rebuild the BM25 index if the set of chunks changed."""
        ids = self._get(include=[])["ids"]
        stamp = stamp_of(ids)
        loaded = LexicalIndex.load(self.settings.lexical_dir)
        if loaded and loaded[1] == stamp:
            self._lexical, self._stamp = loaded[0], stamp
        else:
            self.rebuild_lexical()
        if self.generation() != self._stamp:
            self._set_generation(self._stamp)
