"""Query micro-batching (ingest/batch.py): a fake encoder for the concurrency cases, the real
e5 model for 'batched vectors are the single-query vectors'. Who queues behind whom is set by
the tests (the first encoder call holds until the others are queued), never by sleeps."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from ingest.batch import Batcher


class GatedEncoder:
    """Vectors are [len(text), index of text's first letter]. The first call holds until the test
    releases it (`started` is set once it holds), so callers arriving meanwhile queue for the
    next batch in an order the test controls, with no sleeps."""

    def __init__(self, fail_on: str | None = None, gated: bool = True):
        self.fail_on, self.calls = fail_on, []
        self.lock = threading.Lock()
        self.started, self.release = threading.Event(), threading.Event()
        if not gated:
            self.release.set()

    def __call__(self, texts: list[str]):
        with self.lock:
            self.calls.append(list(texts))
        self.started.set()
        assert self.release.wait(WAIT), "the test never released the encoder"
        if self.fail_on in texts:
            raise ValueError(f"cannot encode {self.fail_on!r}")
        return [np.array([len(t), ord(t[0])], float) for t in texts]


WAIT = 30  # s: only reached when a test is broken; the order of events, not timing, is checked


def queued(b: Batcher, n: int) -> None:
    """Wait until n callers are queued behind the one encoding (a condition, not a delay)."""
    deadline = time.monotonic() + WAIT
    while len(b._pending) < n:
        assert time.monotonic() < deadline, f"{len(b._pending)} of {n} callers queued"
        time.sleep(0.001)


def started(enc: GatedEncoder) -> None:
    assert enc.started.wait(WAIT), "the first caller did not start encoding"


@pytest.mark.unit
def test_a_lone_caller_encodes_alone_and_at_once():
    enc = GatedEncoder(gated=False)
    b = Batcher(enc)
    assert b("bbl").tolist() == [3, ord("b")]
    assert b("entree").tolist() == [6, ord("e")]
    assert enc.calls == [["bbl"], ["entree"]] and list(b.batches) == [1, 1]


@pytest.mark.unit
def test_concurrent_callers_share_batches_and_each_gets_its_own_vector():
    enc = GatedEncoder()
    b = Batcher(enc, max_batch=4)
    texts = [f"{chr(97 + i)}{'x' * i}" for i in range(12)]
    with ThreadPoolExecutor(12) as ex:
        first = ex.submit(b, texts[0])
        started(enc)  # texts[0] is being encoded; the other eleven queue behind it
        rest = [ex.submit(b, t) for t in texts[1:]]
        queued(b, 11)
        enc.release.set()
        out = [first.result()] + [f.result() for f in rest]
    assert [v.tolist() for v in out] == [[len(t), ord(t[0])] for t in texts]
    assert sorted(t for call in enc.calls for t in call) == sorted(texts)  # each encoded once
    assert [len(c) for c in enc.calls] == [1, 4, 4, 3]  # the queue drained in batches of max_batch
    assert list(b.batches) == [1, 4, 4, 3]


@pytest.mark.unit
def test_an_encoding_error_reaches_every_caller_of_that_batch_and_no_one_else():
    enc = GatedEncoder(fail_on="kapot")
    b = Batcher(enc)
    with ThreadPoolExecutor(4) as ex:
        ok = ex.submit(b, "heel")
        started(enc)  # "heel" is being encoded; these two queue into the next batch
        bad = [ex.submit(b, "kapot")]
        queued(b, 1)
        bad.append(ex.submit(b, "ook"))
        queued(b, 2)
        enc.release.set()
        assert ok.result().tolist() == [4, ord("h")]
        for f in bad:
            with pytest.raises(ValueError, match="kapot"):
                f.result()
    assert enc.calls == [["heel"], ["kapot", "ook"]]
    assert b("weer").tolist() == [4, ord("w")]  # the batcher is not stuck after an error


@pytest.mark.unit
def test_a_wrong_number_of_vectors_is_an_error_not_a_shifted_answer():
    b = Batcher(lambda texts: [np.zeros(2)] * (len(texts) + 1))
    with pytest.raises(RuntimeError, match="2 vectors for 1 texts"):
        b("bbl")


@pytest.mark.integration
def test_real_e5_concurrent_queries_match_single_queries(real_embedder, monkeypatch):
    e5 = real_embedder
    questions = ["Wie betaalt het cursusgeld in de bbl?", "Wat is een entreeopleiding?",
                 "Hoeveel uur bpv volgt een bbl-student minimaal?", "Wat investeert de Werkagenda?",
                 "Mag ik met een uitkering een opleiding volgen?", "Wat is de derde leerweg?"]
    single = np.array([e5.encode_queries([q])[0] for q in questions])
    e5._query_cache.clear()
    before = len(e5._batcher.batches)
    real = e5.encode_queries
    gate = GatedEncoder()

    def held(texts):  # the real model, with the first pass held until the others queued
        gate(texts)
        return real(texts)
    monkeypatch.setattr(e5, "encode_queries", held)
    with ThreadPoolExecutor(6) as ex:
        first = ex.submit(e5.embed_query, questions[0])
        started(gate)
        rest = [ex.submit(e5.embed_query, q) for q in questions[1:]]
        queued(e5._batcher, 5)
        gate.release.set()
        together = np.array([first.result()] + [f.result() for f in rest])
    assert np.abs(together - single).max() < 1e-5
    assert list(e5._batcher.batches)[before:] == [1, 5]  # the five waiting questions shared one pass
