"""The eval report's summary table and its baseline column (evals/report.py, evals/run.py,
evals/baseline.py): the baseline's rows are summarised like this project's, beside them, with "–"
for the metrics the baseline cannot have."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.errors import InputError
from evals.baseline import answer as baseline_answer
from evals.baseline import describe, retrieval_row
from evals.report import summary_table, write_report
from evals.run import load_baseline, score_row, summarise, table

REPO = Path(__file__).resolve().parents[2]
GOLD = "minimaal 610 uur beroepspraktijkvorming"
PASSAGE = "De kandidaat volgt minimaal 200 uur onderwijs en " + GOLD + "."
OTHER = "De Werkagenda mbo loopt tot 2026."
QUESTIONS = [
    {"id": "q1", "question": "Hoeveel uur bpv?", "answerable": True, "facts": [["610"]], "quote": GOLD},
    {"id": "q2", "question": "Hoeveel uur onderwijs?", "answerable": True, "facts": [["200"]], "quote": GOLD},
    {"id": "q3", "question": "Wat kost een kopje koffie?", "answerable": False},
]


def _supports(claim, passages):
    return any(claim.rstrip(".") in p for p in passages)


def _project_rows():
    """This run: q1 and q2 answered with the gold passage at rank 1, q3 refused."""
    rows = []
    for q in QUESTIONS:
        if q["answerable"]:
            row = {"id": q["id"], "question": q["question"], "answered": True, "mode": "extractive",
                   "answer": f"{PASSAGE} [1]", "citations": [{"n": 1, "text": PASSAGE, "title": "t"}],
                   "timings_ms": {"total": 40.0}}
        else:
            row = {"id": q["id"], "question": q["question"], "answered": False, "mode": "extractive",
                   "answer": "Dat staat niet in de documenten.", "citations": [], "timings_ms": {"total": 20.0}}
        row["metrics"] = score_row(row, q, [PASSAGE, OTHER], _supports)
        rows.append(row)
    return rows


def _baseline_rows():
    """The baseline: gold at rank 2 for q1, not retrieved for q2; q3 unanswerable."""
    return [retrieval_row(QUESTIONS[0], [OTHER, PASSAGE]), retrieval_row(QUESTIONS[1], [OTHER, OTHER]),
            retrieval_row(QUESTIONS[2], [OTHER])]


def _cells(md_text: str, metric: str) -> list[str]:
    """The cells of the summary-table row for `metric` (first match)."""
    line = next(ln for ln in md_text.splitlines() if ln.startswith(f"| {metric} |"))
    return [c.strip() for c in line.strip("|").split("|")][1:]


# ------------------------------------------------------------------ rows and summaries
@pytest.mark.unit
def test_baseline_rows_have_the_eval_row_shape_and_only_retrieval_metrics():
    row = _baseline_rows()[0]
    assert {"id", "question", "mode", "citations", "timings_ms", "metrics", "tags", "audience"} <= set(row)
    assert row["metrics"]["gold_rank"] == 2 and row["metrics"]["mrr"] == 0.5
    assert row["metrics"]["hit@1"] == 0.0 and row["metrics"]["hit@3"] == row["metrics"]["hit@4"] == 1.0
    assert not {"refused", "correct", "fact_recall", "citation_recall", "faithfulness"} & set(row["metrics"])
    json.dumps(row)  # written as JSONL


@pytest.mark.unit
def test_summarise_gives_none_for_metrics_the_baseline_lacks():
    s = summarise(_baseline_rows())
    assert (s["questions"], s["answerable"], s["unanswerable"]) == (3, 2, 1)
    assert s["hit@1"] == 0.0 and s["hit@4"] == 0.5 and s["mrr"] == pytest.approx(0.25)
    for key in ("correct", "fact_recall", "cited_gold", "citation_recall", "citation_precision", "faithfulness",
                "refusal_rate", "false_refusal_rate", "latency_p50_ms", "latency_p95_ms"):
        assert s[key] is None, key


@pytest.mark.unit
def test_summarise_of_this_projects_rows_is_unchanged_by_the_tolerance():
    s = summarise(_project_rows())
    assert s["correct"] == 1.0 and s["hit@1"] == 1.0 and s["hit@4"] == 1.0 and s["mrr"] == 1.0
    assert s["refusal_rate"] == 1.0 and s["false_refusal_rate"] == 0.0 and s["citation_recall"] == 1.0
    assert s["latency_p50_ms"] == 40.0


# ------------------------------------------------------------------ the column
@pytest.mark.unit
def test_report_puts_the_baseline_beside_this_run(tmp_path):
    rows, base = _project_rows(), _baseline_rows()
    md_path, html_path = write_report(rows, summarise(rows), tmp_path, mode="extractive", baseline=base,
                                      baseline_note=describe(base))
    md = md_path.read_text(encoding="utf-8")
    header = next(ln for ln in md.splitlines() if ln.startswith("| metric |"))
    assert [c.strip() for c in header.strip("|").split("|")] == ["metric", "this run", "baseline"]
    assert _cells(md, "hit@1") == ["1.000", "0.000"]
    assert _cells(md, "hit@4") == ["1.000", "0.500"]
    assert _cells(md, "mrr") == ["1.000", "0.250"]
    assert _cells(md, "questions") == ["3", "3"]
    for metric in ("citation_recall", "correct", "faithfulness", "refusal_rate", "latency_p95_ms"):
        assert _cells(md, metric)[1] == "–", metric
    assert "Baseline: the LangChain RAG tutorial pipeline" in md and "retrieval only" in md
    page = html_path.read_text(encoding="utf-8")
    assert "<td>metric</td><td>this run</td><td>baseline</td>" in page
    assert "<td>hit@4</td><td>1.000</td><td>0.500</td>" in page
    assert "LangChain RAG tutorial" in page


@pytest.mark.unit
def test_report_with_previous_run_and_baseline_has_three_columns(tmp_path):
    rows = _project_rows()
    old = [dict(r, metrics=dict(r["metrics"], **{"hit@1": 0.0})) for r in rows]
    md = write_report(rows, summarise(rows), tmp_path, old=old, baseline=_baseline_rows())[0].read_text()
    assert "| metric | this run | previous | baseline |" in md
    assert _cells(md, "hit@1") == ["1.000", "0.000", "0.000"]


@pytest.mark.unit
def test_report_without_baseline_has_no_baseline_column(tmp_path):
    rows = _project_rows()
    md = write_report(rows, summarise(rows), tmp_path)[0].read_text()
    assert "baseline" not in md.lower() and _cells(md, "hit@1") == ["1.000"]


@pytest.mark.unit
def test_summary_table_and_console_table_agree_on_the_column():
    rows, base = _project_rows(), _baseline_rows()
    lines = summary_table(summarise(rows), baseline_summary=summarise(base))
    console = table(summarise(rows), "extractive", {"baseline": summarise(base)})
    assert "| hit@4 | 1.000 | 0.500 |" in lines and "| hit@4 | 1.000 | 0.500 |" in console.splitlines()
    assert "| citation_recall | 1.000 | – |" in console.splitlines()


# ------------------------------------------------------------------ the results file and --baseline
@pytest.mark.unit
def test_load_baseline_keeps_this_runs_questions_and_rejects_other_files(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _baseline_rows()) + "\n", encoding="utf-8")
    assert [r["id"] for r in load_baseline(path, ["q1", "q3", "q9"])] == ["q1", "q3"]
    with pytest.raises(InputError, match="none of its question ids"):
        load_baseline(path, ["x"])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "q1"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="'metrics'"):
        load_baseline(bad, ["q1"])


@pytest.mark.unit
def test_committed_baseline_results_cover_the_dev_set():
    from evals.questions import load_questions

    dev = load_questions(REPO / "evals" / "questions" / "dev.jsonl")
    rows = load_baseline(REPO / "evals" / "results" / "baseline_dev.jsonl", [q["id"] for q in dev])
    assert len(rows) == len(dev)
    s = summarise(rows)
    assert s["answerable"] == sum(q["answerable"] for q in dev)
    assert 0.0 < s["hit@1"] <= s["hit@3"] <= s["hit@4"] <= s["hit@5"] <= s["hit@10"] <= 1.0
    assert s["citation_recall"] is None  # the tutorial pipeline has no citations


@pytest.mark.unit
def test_baseline_answers_add_refusals_facts_and_faithfulness_but_no_citations():
    class FakeModel:
        def __init__(self, texts):
            self.texts = iter(texts)

        def invoke(self, prompt):
            assert "Context:" in prompt
            return type("Msg", (), {"text": next(self.texts)})()

    rows = _baseline_rows()
    ranked = [[OTHER, PASSAGE], [OTHER, OTHER], [OTHER]]
    baseline_answer(rows, ranked, QUESTIONS, settings=None, supports=_supports,
                    model=FakeModel([PASSAGE, "I don't know.", "Sorry, I don't know the answer."]))
    assert rows[0]["answered"] and rows[0]["metrics"]["fact_recall"] == 1.0
    assert rows[0]["metrics"]["faithfulness"] == 1.0 and rows[0]["citations"] == []
    assert rows[1]["metrics"]["refused"] and rows[1]["metrics"]["fact_recall"] == 0.0
    s = summarise(rows)
    assert s["refusal_rate"] == 1.0 and s["false_refusal_rate"] == 0.5 and s["citation_recall"] is None
    assert s["latency_p50_ms"] is not None
    assert re.search(r"answers generated by the local LLM for 3 of them", describe(rows))
