"""Freshness: is the BM25 index this process holds still built from the chunks in Chroma?

Every ingest writes a generation stamp (lexical.stamp_of: a hash of the chunk-id set) into a
one-row side collection "<collection>-meta". A process that shares a Chroma server with
another one's ingest compares that stamp with the one its own BM25 index was built from, at
most once per poll interval (a Chroma round trip per question would be wasted on a corpus that
changes a few times a day). An index without the side collection reads as stamp "" (unknown).
Non-goals: building the BM25 index (index.py, lexical.py); reading or writing chunks (store.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_ROW = "generation"  # the id of the one row in the side collection


class Freshness:
    """The generation stamp beside one collection, and when to look at it next."""

    def __init__(self, client_of: Callable[[], Any], collection: str) -> None:
        self._client_of = client_of  # -> the Chroma client (Store.client: connects lazily)
        self.name = f"{collection}-meta"
        self.checked = 0.0  # time.monotonic() of the last look at the stamp (0: never)

    def _collection(self):
        return self._client_of().get_or_create_collection(self.name)

    def generation(self) -> str:
        """The stamp (hash of the chunk-id set) the last ingest wrote beside the collection."""
        try:
            got = self._collection().get(ids=[_ROW], include=["documents"])
            return (got["documents"] or [""])[0] or ""
        except Exception:  # noqa: BLE001 - an older index without the marker: fall back to rebuild checks
            return ""

    def set_generation(self, stamp: str) -> None:
        # Chroma wants a vector for every row: a dummy 2-d one (the row is never searched)
        self._collection().upsert(ids=[_ROW], documents=[stamp],
                                  embeddings=[[0.0] * 2], metadatas=[{"kind": "generation"}])

    def due(self, now: float, every_s: float) -> bool:
        """Is it time to look at the stamp again (more than every_s since the last look)? If so,
        `now` counts as the last look."""
        if now - self.checked > every_s:
            self.checked = now
            return True
        return False

    def reset(self) -> None:
        """Drop the side collection (for --rebuild, with the chunks' collection)."""
        try:
            self._client_of().delete_collection(self.name)
        except Exception:  # noqa: BLE001 - absent collection; chroma raises various types
            pass
