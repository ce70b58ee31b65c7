"""The SQLite files beside the index that hold caches keyed by content (sentence vectors in
sentences.py, BM25 terms in lexical.py): opening one, and looking up many keys at once.
Non-goals: the index itself (Chroma); anything that must survive deleting the file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.batch import in_batches

# keys per "WHERE key IN (...)": SQLite limits the parameters of one statement (999 before
# 3.32, SQLITE_MAX_VARIABLE_NUMBER); 500 stays under that old default
SQLITE_BATCH = 500


def connect(path: Path, create_table: str) -> sqlite3.Connection:
    """Open (and create) the cache file; WAL so readers in other threads are not blocked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(create_table)
    return db


def rows_for(db: sqlite3.Connection, select: str, keys: Iterable[str],
             batch: int = SQLITE_BATCH) -> Iterator[tuple]:
    """The rows of `select` ("SELECT key, v FROM vec WHERE key IN") for these keys, asked for in
    batches (SQLite limits the number of parameters of one statement)."""
    for part in in_batches(list(keys), batch):
        yield from db.execute(f"{select} ({','.join('?' * len(part))})", part)
