"""A streamed model answer with a deadline on the whole of it (first token included).

Non-goals: retrying, choosing the fallback (chain.py does both).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator


def stream_within(chain, timeout_s: float) -> Iterator[str]:
    """chain.stream({}) with a deadline on the whole answer, the wait for the first token
    included (prompt evaluation, or another request holding the local model's lock).

    The model runs in a worker thread; at the deadline TimeoutError is raised here and the
    worker stops at its next token (a local model cannot be interrupted inside one step)."""
    out: queue.Queue = queue.Queue()
    cancel = threading.Event()

    def work() -> None:
        it = iter(chain.stream({}))
        try:
            for delta in it:
                if cancel.is_set():
                    return
                out.put(("delta", delta))
            out.put(("end", None))
        except Exception as exc:  # noqa: BLE001 - handed to the caller
            out.put(("error", exc))
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()

    threading.Thread(target=work, daemon=True, name="llm-stream").start()
    deadline = time.perf_counter() + timeout_s
    try:
        while True:
            try:
                kind, value = out.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                raise TimeoutError(f"no complete answer within {timeout_s:.0f} s") from None
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no complete answer within {timeout_s:.0f} s")
    finally:
        cancel.set()
