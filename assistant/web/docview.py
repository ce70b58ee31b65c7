"""Read-only views of the index for the page: the document catalogue (for the filters) and the
chunks around a cited chunk (to read the surrounding text).

Cached per process; `clear()` after documents were added. Non-goals: retrieval, writing.
"""

from __future__ import annotations

import threading

from ingest.index import from_metadata
from ingest.types import Chunk


class DocView:
    def __init__(self, index, neighbours: int = 1):
        self.index = index
        self.neighbours = neighbours
        self._lock = threading.Lock()
        self._docs: dict[str, list[Chunk]] = {}
        self._catalogue: list[dict] | None = None

    def clear(self) -> None:
        with self._lock:
            self._docs.clear()
            self._catalogue = None

    def catalogue(self) -> list[dict]:
        """[{"doc_id", "title", "doc_type", "date", "chunks"}], sorted by title."""
        with self._lock:
            if self._catalogue is None:
                docs: dict[str, dict] = {}
                for md in self.index._get(include=["metadatas"])["metadatas"]:
                    d = docs.setdefault(md["doc_id"], {
                        "doc_id": md["doc_id"], "title": md.get("title") or md["doc_id"],
                        "doc_type": md.get("doc_type") or "document",
                        "date": md.get("date") or md.get("period") or "", "chunks": 0})
                    d["chunks"] += 1
                self._catalogue = sorted(docs.values(), key=lambda d: d["title"].lower())
            return list(self._catalogue)

    def chunks(self, doc_id: str) -> list[Chunk]:
        with self._lock:
            if doc_id not in self._docs:
                res = self.index._get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
                chunks = [from_metadata(i, t, m)[0] for i, t, m in
                          zip(res["ids"], res["documents"], res["metadatas"])]
                self._docs[doc_id] = sorted(chunks, key=lambda c: (c.kind == "footnotes", c.start, c.end))
            return self._docs[doc_id]

    def context(self, chunk: Chunk) -> tuple[list[Chunk], list[Chunk]]:
        """The chunks just before and after `chunk` in its document (footnote chunks excluded)."""
        body = [c for c in self.chunks(chunk.doc_id) if c.kind != "footnotes"]
        pos = next((i for i, c in enumerate(body) if c.chunk_id == chunk.chunk_id), None)
        if pos is None:
            return [], []
        n = self.neighbours
        return body[max(0, pos - n):pos], body[pos + 1:pos + 1 + n]
