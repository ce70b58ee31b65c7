"""The regression gate: the dev set in extractive mode must stay at or above the committed
thresholds (evals/thresholds.toml). Also checks the report is written."""

from pathlib import Path

import pytest

from evals.gate import check, load_thresholds
from evals.questions import load_questions
from evals.results import write_jsonl
from evals.run import evaluate
from evals.score import summarise

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.unit
def test_check_flags_regressions():
    t = {"min": {"correct": 0.6}, "max": {"latency_p95_ms": 300}}
    assert check({"correct": 0.7, "latency_p95_ms": 100}, t) == []
    problems = check({"correct": 0.5, "latency_p95_ms": 400}, t)
    assert len(problems) == 2 and "correct" in problems[0]
    assert check({}, t)  # a missing metric fails too


@pytest.mark.integration
@pytest.mark.slow
def test_dev_set_meets_thresholds(corpus_assistant, tmp_path):
    rows = evaluate(corpus_assistant, load_questions(REPO / "evals" / "questions" / "dev.jsonl"), "extractive")
    summary = summarise(rows)
    write_jsonl(rows, tmp_path / "results.jsonl")
    from evals.report import write_report

    md, page = write_report(rows, summary, tmp_path / "report", mode="extractive", old=rows)
    assert "Failing questions" in md.read_text() and "<table>" in page.read_text()
    thresholds = load_thresholds()
    thresholds["max"].pop("latency_p95_ms", None)  # timing is a benchmark, not a test
    problems = check(summary, thresholds)
    assert not problems, problems
