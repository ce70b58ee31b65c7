"""The SQLite files beside the index that hold caches keyed by content (sentence vectors in
sentences.py, BM25 terms in lexical.py): opening one, and looking up many keys at once.
Non-goals: the index itself (Chroma); anything that must survive deleting the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path


def connect(path: Path, create_table: str) -> sqlite3.Connection:
    """Open (and create) the cache file; WAL so readers in other threads are not blocked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(create_table)
    return db


def rows_for(db: sqlite3.Connection, select: str, keys: Iterable[str], batch: int = 500) -> Iterator[tuple]:
    """The rows of `select` ("SELECT key, v FROM vec WHERE key IN") for these keys, asked for in
    batches (SQLite limits the number of parameters of one statement)."""
    items = list(keys)
    for i in range(0, len(items), batch):
        part = items[i:i + batch]
        yield from db.execute(f"{select} ({','.join('?' * len(part))})", part)
