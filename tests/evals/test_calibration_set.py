"""The labelled calibration set itself: valid, large enough, mostly near-misses, and every passage
copied from the corpus (loose check: its first 40 normalised characters occur in the corpus)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from evals.calibrate import DEFAULT_DATA, load_calibration

REPO = Path(__file__).resolve().parents[2]
NEAR_MISSES = {"changed_number", "negation", "wrong_organisation", "wrong_year", "wrong_passage"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def pairs():
    return load_calibration(DEFAULT_DATA)


@pytest.mark.unit
def test_every_passage_comes_from_the_corpus(pairs):
    corpus = _norm(" ".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*.txt"))))
    missing = [p.id for p in pairs if _norm(p.passage)[:40] not in corpus]
    assert not missing, f"passages not found in corpus/*.txt: {missing}"


@pytest.mark.unit
def test_set_is_large_and_at_least_half_near_misses(pairs):
    kinds = Counter(p.kind for p in pairs)
    assert len(pairs) >= 120
    assert sum(kinds[k] for k in NEAR_MISSES) >= len(pairs) / 2
    assert all(kinds[k] > 0 for k in (*NEAR_MISSES, "supported", "paraphrase", "unrelated"))
    assert kinds["wrong_passage"] >= 20  # real dev answer sentences beside a close passage that does not say them


@pytest.mark.unit
def test_set_has_english_claims_of_both_labels(pairs):
    english = [p for p in pairs if p.lang == "en"]
    assert len(english) >= 10
    assert {p.supported for p in english} == {True, False}
