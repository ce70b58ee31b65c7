"""The eval report (evals/report.py): its summary table puts the baseline's summary beside this
project's, with "–" for the metrics the baseline cannot have, and a previous run as a third
column. Summaries and the shared table: test_score.py; the baseline's rows: test_baseline.py."""

from __future__ import annotations

import pytest

from evals.baseline import describe
from evals.report import write_report
from evals.score import summarise
from tests.evals.sample_rows import baseline_rows, cells, project_rows


# ------------------------------------------------------------------ the column
@pytest.mark.unit
def test_report_puts_the_baseline_beside_this_run(tmp_path):
    rows, base = project_rows(), baseline_rows()
    md_path, html_path = write_report(rows, summarise(rows), tmp_path, mode="extractive", baseline=base,
                                      baseline_note=describe(base))
    md = md_path.read_text(encoding="utf-8")
    header = next(ln for ln in md.splitlines() if ln.startswith("| metric |"))
    assert [c.strip() for c in header.strip("|").split("|")] == ["metric", "this run", "baseline"]
    assert cells(md, "hit@1") == ["1.000", "0.000"]
    assert cells(md, "hit@4") == ["1.000", "0.500"]
    assert cells(md, "mrr") == ["1.000", "0.250"]
    assert cells(md, "questions") == ["3", "3"]
    for metric in ("citation_recall", "correct", "faithfulness", "refusal_rate", "latency_p95_ms"):
        assert cells(md, metric)[1] == "–", metric
    assert "Baseline: the LangChain RAG tutorial pipeline" in md and "retrieval only" in md
    page = html_path.read_text(encoding="utf-8")
    assert "<td>metric</td><td>this run</td><td>baseline</td>" in page
    assert "<td>hit@4</td><td>1.000</td><td>0.500</td>" in page
    assert "LangChain RAG tutorial" in page


@pytest.mark.unit
def test_report_with_previous_run_and_baseline_has_three_columns(tmp_path):
    rows = project_rows()
    old = [dict(r, metrics=dict(r["metrics"], **{"hit@1": 0.0})) for r in rows]
    md = write_report(rows, summarise(rows), tmp_path, old=old, baseline=baseline_rows())[0].read_text()
    assert "| metric | this run | previous | baseline |" in md
    assert cells(md, "hit@1") == ["1.000", "0.000", "0.000"]


@pytest.mark.unit
def test_report_without_baseline_has_no_baseline_column(tmp_path):
    rows = project_rows()
    md = write_report(rows, summarise(rows), tmp_path)[0].read_text()
    assert "baseline" not in md.lower() and cells(md, "hit@1") == ["1.000"]
