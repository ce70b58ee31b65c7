"""Metric formulas on hand-checked inputs."""

import math

import pytest

from evals import metrics as M

pytestmark = pytest.mark.unit


def test_fact_hits_normalise_numbers_and_markers():
    assert M.fact_hits("Minimaal 2.700 euro [1] per plaats.", [["2700"], ["euro"], ["SBB"]]) == [True, True, False]


def test_gold_rank_hit_and_mrr():
    passages = ["iets anders", "De   kandidaat volgt\nminimaal 610 uur.", "nog iets"]
    r = M.gold_rank(passages, "kandidaat volgt minimaal 610 uur")
    assert r == 2 and M.hit_at(r, 1) == 0 and M.hit_at(r, 3) == 1 and M.reciprocal_rank(r) == 0.5
    assert M.gold_rank(passages, "niet aanwezig") is None and M.reciprocal_rank(None) == 0


def test_citation_recall_and_precision():
    def supports(claim, passages):
        return any(claim.split()[0] in p for p in passages)
    sents = [("bbl duurt", ["bbl 2 jaar", "bol 3 jaar"]), ("bol duurt", ["niets"]), ("uwv", [])]
    assert M.citation_recall(sents, supports) == pytest.approx(1 / 3)
    # citations: (bbl: relevant, bol-passage irrelevant since bbl-passage alone supports) + (niets: irrelevant)
    assert M.citation_precision(sents, supports) == pytest.approx(1 / 3)


def test_faithfulness_and_percentiles():
    assert M.faithfulness(["a b", "c d"], ["a b c"], lambda c, ps: c.split()[0] in ps[0]) == 1.0
    assert M.faithfulness([], ["x"], lambda c, p: True) is None
    assert M.percentile([1, 2, 3, 4], 50) == 2.5 and math.isnan(M.percentile([], 50))


def test_answer_sentences_skip_notes():
    text = "De bbl duurt 2 jaar [1].\n\nLet op: dit komt uit een document uit 2018 [1]; controleer het."
    assert M.answer_sentences(text, 1) == [("De bbl duurt 2 jaar.", (1,))]
