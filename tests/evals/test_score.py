"""Scores over eval rows (evals/score.py): summaries where the baseline lacks metrics, and the one
summary table the terminal and the report share."""

from __future__ import annotations

import pytest

from evals.score import summarise, summary_table
from tests.evals.sample_rows import baseline_rows, project_rows

pytestmark = pytest.mark.unit


def test_summarise_gives_none_for_metrics_the_baseline_lacks():
    s = summarise(baseline_rows())
    assert (s["questions"], s["answerable"], s["unanswerable"]) == (3, 2, 1)
    assert s["hit@1"] == 0.0 and s["hit@4"] == 0.5 and s["mrr"] == pytest.approx(0.25)
    for key in ("correct", "fact_recall", "cited_gold", "citation_recall", "citation_precision", "faithfulness",
                "refusal_rate", "false_refusal_rate", "latency_p50_ms", "latency_p95_ms"):
        assert s[key] is None, key


def test_summarise_of_this_projects_rows_is_unchanged_by_the_tolerance():
    s = summarise(project_rows())
    assert s["correct"] == 1.0 and s["hit@1"] == 1.0 and s["hit@4"] == 1.0 and s["mrr"] == 1.0
    assert s["refusal_rate"] == 1.0 and s["false_refusal_rate"] == 0.0 and s["citation_recall"] == 1.0
    assert s["latency_p50_ms"] == 40.0


def test_summary_table_puts_the_baseline_column_beside_this_run():
    lines = summary_table([("extractive", summarise(project_rows())), ("baseline", summarise(baseline_rows()))])
    assert lines[:2] == ["| metric | extractive | baseline |", "|---|---|---|"]
    assert "| hit@4 | 1.000 | 0.500 |" in lines and "| citation_recall | 1.000 | – |" in lines
    assert "| questions | 3 | 3 |" in lines


def test_summary_table_terminal_format_is_pinned():
    """`mbo-assistant eval` prints exactly these lines (held-out scoring may parse them): the
    summary's metrics in order, floats to 3 decimals, latencies in whole ms, "–" for None."""
    summary = {"questions": 3, "correct": 0.5, "faithfulness": None, "latency_p50_ms": 339.4, "errors": 0}
    assert "\n".join(summary_table([("extractive", summary)])) == (
        "| metric | extractive |\n|---|---|\n| questions | 3 |\n| correct | 0.500 |\n| faithfulness | – |\n"
        "| latency_p50_ms | 339 |\n| errors | 0 |")


def test_summary_table_report_keeps_latency_decimals_and_first_columns_metrics():
    lines = summary_table([("this run", {"latency_p95_ms": 1708.25, "mrr": 1.0}), ("previous", {"mrr": 0.25})],
                          latency_decimals=3)
    assert lines == ["| metric | this run | previous |", "|---|---|---|", "| latency_p95_ms | 1708.250 | – |",
                     "| mrr | 1.000 | 0.250 |"]


def test_the_verifiers_agreement_is_reported_apart_from_the_judges():
    """A judge that rejects everything and a verifier that accepts everything: the two sets of
    support metrics must not be mixed up."""
    from evals.score import score_row
    from tests.evals.sample_rows import PASSAGE, QUESTIONS

    row = {"id": "q1", "answered": True, "answer": f"{PASSAGE} [1]", "citations": [{"n": 1, "text": PASSAGE}]}
    m = score_row(row, QUESTIONS[0], [PASSAGE], lambda c, p: False, verifier=lambda c, p: True)
    assert (m["citation_recall"], m["citation_precision"], m["faithfulness"]) == (0.0, 0.0, 0.0)
    assert (m["verifier_citation_recall"], m["verifier_citation_precision"], m["verifier_faithfulness"]) == (1, 1, 1)
    s = summarise([{"id": "q1", "metrics": m}])
    assert s["citation_precision"] == 0.0 and s["verifier_citation_precision"] == 1.0
    assert "verifier_citation_precision" not in summarise(project_rows())  # not graded by the verifier
