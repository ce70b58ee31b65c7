"""Batching: fixed-size slices of a sequence, and query micro-batching.

`in_batches(items, size)` is the one loop over a list in slices: Chroma calls (at most
store.CHROMA_BATCH ids), SQLite statements (at most cachedb.SQLITE_BATCH parameters), and
model calls (the embedding batch size) all go through it.

`Batcher`: concurrent callers share one model forward pass.
With 20 users on the page, up to 8 answers run at once and each used to embed its question
alone (e5-small, 2 cores: 24 ms wall / 47 ms CPU for one query, 12 / 23 ms per query in a batch
of 8). The first caller encodes; whoever arrives meanwhile queues, and the next queued caller
leads the next batch. There is no background thread and a lone caller waits for nothing.
Vectors from a batch differ from single-query vectors by float noise (max 1e-7 measured).

Non-goals: micro-batching passages (ingest already encodes them in slices), choosing batch
sizes (callers own them), caching (embed.py keeps the cache).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def in_batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """items[0:size], items[size:2 * size], ... (slices, so a list gives lists); nothing for an
    empty sequence. size must be at least 1 (range() refuses 0, as the loops this replaced did)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


class _Slot:
    __slots__ = ("text", "vector", "error", "done")

    def __init__(self, text: str):
        self.text = text
        self.vector: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()  # set when the vector is there, or to promote to leader


class Batcher:
    """`encode(texts) -> sequence of vectors`; `batcher(text)` returns the one vector for text."""

    def __init__(self, encode: Callable[[list[str]], Sequence[Any]], max_batch: int = 16):
        if max_batch < 1:
            raise ValueError(f"max_batch {max_batch!r} must be at least 1")
        self._encode = encode
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._pending: list[_Slot] = []
        self._busy = False  # a leader is encoding; new callers queue
        self.batches: deque[int] = deque(maxlen=1000)  # sizes of recent batches (tests, benchmarks)

    def __call__(self, text: str) -> Any:
        slot = _Slot(text)
        with self._lock:
            self._pending.append(slot)
            lead = not self._busy
            self._busy = True
        if not lead:
            slot.done.wait()
            lead = slot.vector is None and slot.error is None  # woken without a result: promoted
        if lead:
            self._run()
        if slot.error is not None:
            raise slot.error
        return slot.vector

    def _run(self) -> None:
        # the leader's own slot is first in the queue: it is always in the batch it runs
        with self._lock:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
            self.batches.append(len(batch))
        try:
            vectors, error = list(self._encode([s.text for s in batch])), None
            if len(vectors) != len(batch):
                raise RuntimeError(f"encode returned {len(vectors)} vectors for {len(batch)} texts")
        except BaseException as exc:  # noqa: BLE001 - handed to every caller of this batch
            vectors, error = [None] * len(batch), exc
        with self._lock:  # hand over before waking anyone, so exactly one caller leads next
            successor = self._pending[0] if self._pending else None
            self._busy = successor is not None
        for s, v in zip(batch, vectors):
            s.vector, s.error = v, error
            s.done.set()
        if successor is not None:
            successor.done.set()
