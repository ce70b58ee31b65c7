"""The regression gate: the dev set in extractive mode must stay at or above the committed
thresholds (evals/thresholds.toml). Also checks the report against a different previous run:
its failing questions and its changes follow from the rows."""

import copy
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


def _status(row) -> str:
    m = row["metrics"]
    if m["answerable"]:
        return "correct" if m["correct"] else ("refused" if m["refused"] else "wrong")
    return "refused" if m["refused"] else "answered"


def _other_run(rows) -> tuple[list[dict], dict[str, tuple[str, str]]]:
    """A different previous run: the first correct question was refused there, and the first
    failing one (if any) was correct. Returns it and {id: (before, now)} for the changed ones."""
    old = copy.deepcopy(rows)
    changed = {}
    fixed = next(i for i, r in enumerate(rows) if r["metrics"]["answerable"] and r["metrics"]["correct"])
    old[fixed]["metrics"].update(correct=False, refused=True)
    changed[rows[fixed]["id"]] = ("refused", "correct")
    broken = next((i for i, r in enumerate(rows) if r["metrics"]["answerable"] and not r["metrics"]["correct"]), None)
    if broken is not None:
        old[broken]["metrics"].update(correct=True, refused=False)
        changed[rows[broken]["id"]] = ("correct", _status(rows[broken]))
    return old, changed


@pytest.mark.integration
@pytest.mark.slow
def test_dev_set_meets_thresholds(corpus_assistant, tmp_path):
    rows = evaluate(corpus_assistant, load_questions(REPO / "evals" / "questions" / "dev.jsonl"), "extractive")
    summary = summarise(rows)
    write_jsonl(rows, tmp_path / "results.jsonl")
    from evals.report import write_report

    # the report against a different previous run: what it says must follow from the rows
    old, changed = _other_run(rows)
    md, page = write_report(rows, summary, tmp_path / "report", mode="extractive", old=old)
    text = md.read_text()
    failing = [r["id"] for r in rows if _status(r) in ("wrong", "answered")
               or (r["metrics"]["answerable"] and _status(r) == "refused")]
    assert f"## Failing questions ({len(failing)})" in text
    assert all(f"### {i}: " in text for i in failing)
    assert not any(f"### {r['id']}: " in text for r in rows if r["id"] not in failing)
    changes = text[text.index("## Changes against the previous run"):]
    assert changes.startswith(f"## Changes against the previous run ({len(changed)})")
    assert {tuple(c.strip() for c in line.strip("|").split("|")) for line in changes.splitlines()[4:] if line} \
        == {(i, before, now) for i, (before, now) in changed.items()}
    assert all(f"<td>{i}</td>" in page.read_text() for i in changed)
    thresholds = load_thresholds()
    thresholds["max"].pop("latency_p95_ms", None)  # timing is a benchmark, not a test
    problems = check(summary, thresholds)
    assert not problems, problems
