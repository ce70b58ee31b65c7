"""The benchmark helpers (benchmarks/common.py, the soak comparison, the scale corpus copies):
small, fast checks that the pieces the benchmarks' numbers rest on do what they say."""

import json
import sys
import threading

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

import common  # noqa: E402
import load_test  # noqa: E402
import scale  # noqa: E402
import soak  # noqa: E402

pytestmark = pytest.mark.unit


class Thing:
    def __init__(self, k):
        self.k = k

    def times(self, x):
        return self.k * x

    @classmethod
    def make(cls, k):
        return cls(k)


def test_timed_counts_methods_and_classmethods_and_restores_them():
    spent = {}
    before_times, before_make = Thing.__dict__["times"], Thing.__dict__["make"]
    with common.timed(Thing, "times", spent), common.timed(Thing, "make", spent):
        assert Thing.make(3).times(2) == 6
        assert Thing(2).times(5) == 10
    assert set(spent) == {"times", "make"} and all(v >= 0 for v in spent.values())
    assert Thing.__dict__["times"] is before_times and Thing.__dict__["make"] is before_make


def test_wrap_method_runs_the_hook_around_the_original():
    seen = []
    original = common.wrap_method(Thing, "times", lambda call: (seen.append("before"), call())[1] + 1)
    try:
        assert Thing(4).times(2) == 9 and seen == ["before"]
    finally:
        Thing.times = original
    assert Thing(4).times(2) == 8


def test_hash_embedder_is_deterministic_and_unit_length():
    emb = common.HashEmbedder()
    a, b = emb.embed_documents(["De bbl-student volgt 610 uur bpv.", "iets anders"])
    assert a == emb.embed_query("De bbl-student volgt 610 uur bpv.") and a != b
    assert abs(sum(x * x for x in a) - 1) < 1e-9 and len(a) == 64


def _answer(text, citations=(("bbl", 0, "Sectie", "Passage een."),), notes=()):
    return {"answer": text, "answered": True, "notes": list(notes), "timings_ms": {"total": 1.0},
            "citations": [{"doc_id": d, "start": s, "section": sec, "text": t} for d, s, sec, t in citations]}


def test_soak_signature_ignores_timings_and_sees_other_citations():
    a = soak.signature(_answer("Antwoord [1]"))
    assert a == soak.signature({**_answer("Antwoord [1]"), "timings_ms": {"total": 99.0}})
    other = soak.signature(_answer("Antwoord [1]", citations=(("bbl", 900, "Sectie", "Passage twee."),)))
    assert other != a and soak.diff(a, other).startswith("chunks:")
    assert soak.diff(a, a) == "identical"


class FakeClient:
    """Answers like the page, except question 'q2' on its 5th call (a wrong citation) and
    'q3' on its 3rd call (an error)."""

    calls: dict = {}
    lock = threading.Lock()

    def predict(self, question, history, doc_ids, doc_types, mode, audience, api_name):
        assert api_name == "/ask" and mode == "extractive"
        with FakeClient.lock:
            n = FakeClient.calls[question] = FakeClient.calls.get(question, 0) + 1
        if question == "q3" and n == 3:
            raise RuntimeError("boom")
        if question == "q2" and n == 5:
            return _answer("Antwoord op q2 [1]", citations=(("x", 1, "", "ander"),))
        return _answer(f"Antwoord op {question} [1]")


def test_soak_compares_every_answer_with_the_single_user_one(monkeypatch):
    FakeClient.calls = {}
    monkeypatch.setattr(load_test, "connect", lambda url, auth, kind="gradio": FakeClient())
    questions = [{"id": f"q{i}", "question": f"q{i}"} for i in (1, 2, 3)]
    ref, unstable, errors = soak.reference(FakeClient(), questions, runs=2)
    assert not unstable and not errors and set(ref) == {"q1", "q2", "q3"}
    r = soak.soak("http://fake/", None, users=3, seconds=0.3, questions=questions, ref=ref, seed=1)
    assert r["requests"] > 10 and r["errors"] == 1 and r["compared"] == r["requests"] - 1
    assert r["mismatches"] == 1 and "q2" in r["mismatch_samples"][0]


def test_scale_copies_have_distinct_ids_and_one_more_document_can_be_added(tmp_path):
    scale.make_corpus(2, tmp_path)
    docs = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["documents"]
    originals = json.loads((REPO / "corpus" / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert len(docs) == 2 * len(originals) and len({d["doc_id"] for d in docs}) == len(docs)
    assert all((tmp_path / d["file"]).read_text(encoding="utf-8").startswith("KOPIE ") for d in docs)
    scale.add_document(tmp_path, 3)
    after = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert len(after) == len(docs) + 1 and after[-1]["doc_id"].endswith("-kopie-3")
    assert (tmp_path / after[-1]["file"]).exists()
