"""Sentence vectors for extractive answering, cached in SQLite beside the index.

The extractive answerer compares the question with every candidate sentence of the retrieved
passages (e5 cosine). Embedding ~20 sentences per question would take seconds on 2 cores, so
ingest embeds each chunk's sentences once and stores them here, keyed by sha256(model, text);
at question time a lookup costs microseconds and a missing sentence is embedded and stored.
It is a cache: deleting the file loses nothing (the next ingest or question refills it), which
is also why server-mode Chroma can leave it local. Non-goals: retrieval (index.py).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ingest.batch import in_batches
from ingest.cachedb import connect, rows_for


class SentenceVectors:
    """`get(texts)` -> float32 [n, dim] (L2-normalised passage vectors), filling the cache."""

    def __init__(self, path: Path, embedder, batch_size: int = 32):
        self.path = Path(path)
        self.embedder = embedder
        self.batch_size = batch_size
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._mem: dict[str, np.ndarray] = {}

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = connect(self.path, "CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")
        return self._db

    def _key(self, text: str) -> str:
        name = getattr(self.embedder, "name", "unknown")
        return hashlib.sha256(f"{name}\x00{text}".encode("utf-8")).hexdigest()

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The texts not in the cache yet (unique, in order)."""
        keys = {self._key(t): t for t in dict.fromkeys(texts)}
        with self._lock:
            have = {k for (k,) in rows_for(self._conn(), "SELECT key FROM vec WHERE key IN", keys)}
        return [t for k, t in keys.items() if k not in have]

    def fill(self, texts: Sequence[str], bar=None) -> int:
        """Embed and store the texts not cached yet; returns how many were embedded."""
        todo = self.missing(texts)
        for part in in_batches(todo, self.batch_size):
            vecs = np.asarray(self.embedder.embed_documents(part), dtype=np.float32)
            with self._lock:
                db = self._conn()
                db.executemany("INSERT OR REPLACE INTO vec (key, v) VALUES (?, ?)",
                               [(self._key(t), v.tobytes()) for t, v in zip(part, vecs)])
                db.commit()
            if bar is not None:
                bar.update(len(part))
        return len(todo)

    def get(self, texts: Sequence[str]) -> np.ndarray:
        out: list[np.ndarray | None] = [self._mem.get(t) for t in texts]
        need = [t for t, v in zip(texts, out) if v is None]
        if need:
            self.fill(need)
            keys = {self._key(t): t for t in need}
            with self._lock:
                for key, blob in rows_for(self._conn(), "SELECT key, v FROM vec WHERE key IN", keys):
                    self._mem[keys[key]] = np.frombuffer(blob, dtype=np.float32)
            out = [self._mem.get(t) for t in texts]
        if len(self._mem) > 50_000:  # bound memory; the SQLite file keeps everything
            self._mem.clear()
        return np.stack(out) if out else np.zeros((0, 0), np.float32)

    def clear(self) -> None:
        with self._lock:
            self._conn().execute("DELETE FROM vec")
            self._conn().commit()
            self._mem.clear()
