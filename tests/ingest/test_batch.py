"""Query micro-batching (ingest/batch.py): a fake encoder for the concurrency cases, the real
e5 model for 'batched vectors are the single-query vectors'."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from ingest.batch import Batcher


class SlowEncoder:
    """Vectors are [len(text), index of text's first letter]; each call takes `delay` s."""

    def __init__(self, delay: float = 0.05, fail_on: str | None = None):
        self.delay, self.fail_on, self.calls = delay, fail_on, []
        self.lock = threading.Lock()

    def __call__(self, texts: list[str]):
        with self.lock:
            self.calls.append(list(texts))
        time.sleep(self.delay)
        if self.fail_on in texts:
            raise ValueError(f"cannot encode {self.fail_on!r}")
        return [np.array([len(t), ord(t[0])], float) for t in texts]


@pytest.mark.unit
def test_a_lone_caller_encodes_alone_and_at_once():
    enc = SlowEncoder(delay=0.0)
    b = Batcher(enc)
    assert b("bbl").tolist() == [3, ord("b")]
    assert b("entree").tolist() == [6, ord("e")]
    assert enc.calls == [["bbl"], ["entree"]] and list(b.batches) == [1, 1]


@pytest.mark.unit
def test_concurrent_callers_share_batches_and_each_gets_its_own_vector():
    enc = SlowEncoder(delay=0.05)
    b = Batcher(enc, max_batch=4)
    texts = [f"{chr(97 + i)}{'x' * i}" for i in range(12)]
    with ThreadPoolExecutor(12) as ex:
        out = list(ex.map(b, texts))
    assert [v.tolist() for v in out] == [[len(t), ord(t[0])] for t in texts]
    assert sorted(t for call in enc.calls for t in call) == sorted(texts)  # each encoded once
    assert len(enc.calls) < len(texts) and max(map(len, enc.calls)) <= 4
    assert sum(b.batches) == 12


@pytest.mark.unit
def test_an_encoding_error_reaches_every_caller_of_that_batch_and_no_one_else():
    enc = SlowEncoder(delay=0.05, fail_on="kapot")
    b = Batcher(enc)
    gate = threading.Barrier(2)

    def first():
        gate.wait()
        return b("heel")

    with ThreadPoolExecutor(4) as ex:
        ok = ex.submit(first)
        gate.wait()
        time.sleep(0.01)  # "heel" is being encoded; these two queue into the next batch
        bad = [ex.submit(b, "kapot"), ex.submit(b, "ook")]
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
def test_real_e5_concurrent_queries_match_single_queries(real_embedder):
    e5 = real_embedder
    questions = ["Wie betaalt het cursusgeld in de bbl?", "Wat is een entreeopleiding?",
                 "Hoeveel uur bpv volgt een bbl-student minimaal?", "Wat investeert de Werkagenda?",
                 "Mag ik met een uitkering een opleiding volgen?", "Wat is de derde leerweg?"]
    single = np.array([e5.encode_queries([q])[0] for q in questions])
    e5._query_cache.clear()
    before = len(e5._batcher.batches)
    with ThreadPoolExecutor(6) as ex:
        together = np.array(list(ex.map(e5.embed_query, questions)))
    assert np.abs(together - single).max() < 1e-5
    runs = list(e5._batcher.batches)[before:]
    assert sum(runs) == len(questions) and len(runs) < len(questions)  # some questions shared a pass
