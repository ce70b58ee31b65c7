"""The regression gate: a run against the stored reference run (evals/reference/), with per-metric
tolerances in questions (evals/gate.toml). The dev set in extractive mode, answered over a fresh
index in this process, must pass against the reference written by the eval command; a planted
regression (a refusal threshold that refuses 5+ more answerable questions) must fail. Also checks
the report against a different previous run: its failing questions and its changes follow from the rows."""

import copy
import json
from pathlib import Path

import pytest

from evals.gate import compare, flips, load_tolerances, main
from evals.questions import load_questions
from evals.results import read_jsonl, write_jsonl
from evals.run import evaluate
from evals.score import summarise
from ingest.errors import InputError

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "evals" / "reference"
RAISED_THRESHOLD = 0.9  # fitted refuse_below is 0.819 (assistant/answer/data/selection.json)


def _rows(answerable: int = 100, unanswerable: int = 20) -> list[dict]:
    """Scored rows: every answerable question correct with the gold passage at rank 1, every
    unanswerable one refused."""
    rows = []
    for i in range(answerable):
        rows.append({"id": f"a{i}", "metrics": {"answerable": True, "refused": False, "correct": True,
                                                "fact_recall": 1.0, "cited_gold": True, "hit@5": 1.0, "mrr": 1.0,
                                                "citation_recall": 1.0, "citation_precision": 1.0,
                                                "faithfulness": 1.0}})
    rows += [{"id": f"u{i}", "metrics": {"answerable": False, "refused": True}} for i in range(unanswerable)]
    return rows


def _refuse(row: dict) -> None:
    row["metrics"].update(refused=True, correct=False, fact_recall=0.0, cited_gold=False)
    for key in ("citation_recall", "citation_precision", "faithfulness"):
        row["metrics"].pop(key)


def _failed(changes) -> set[str]:
    return {c.metric for c in changes if c.failed}


@pytest.mark.unit
def test_platform_drift_passes():
    ref, now = _rows(), _rows()
    now[0]["metrics"].update(correct=False, fact_recall=0.5)  # one borderline question flips
    now[1]["metrics"].update(mrr=0.5)  # one gold passage from rank 1 to rank 2
    now[2]["metrics"].update(citation_precision=0.5)
    _refuse(now[3])  # one more refusal
    now[-1]["metrics"]["refused"] = False  # one unanswerable question answered
    assert _failed(compare(now, ref, load_tolerances())) == set()


@pytest.mark.unit
def test_five_more_refused_answerable_questions_fail():
    ref, now = _rows(), _rows()
    for row in now[:5]:
        _refuse(row)
    assert {"correct", "false_refusal_rate", "fact_recall", "cited_gold"} <= _failed(compare(now, ref, load_tolerances()))
    assert flips(now, ref) == (["a0", "a1", "a2", "a3", "a4"], [])


@pytest.mark.unit
def test_each_metric_fails_just_beyond_its_tolerance():
    tol = load_tolerances()
    ref = _rows()
    for metric, k in tol.items():
        now = copy.deepcopy(ref)
        if metric == "errors":
            now[0]["error"] = "boom"
        elif metric == "refusal_rate":
            for row in now[-(k + 1):]:
                row["metrics"]["refused"] = False
        elif metric == "false_refusal_rate":
            for row in now[:k + 1]:
                row["metrics"]["refused"] = True
        else:
            for row in now[:k + 1]:
                row["metrics"][metric] = False if metric in ("correct", "cited_gold") else 0.0
        assert metric in _failed(compare(now, ref, tol)), metric
        if k:  # exactly k questions' worth passes
            at_k = copy.deepcopy(now)
            first = at_k[-1] if metric == "refusal_rate" else at_k[0]
            first["metrics"].update(ref[-1 if metric == "refusal_rate" else 0]["metrics"])
            assert metric not in _failed(compare(at_k, ref, tol)), metric


@pytest.mark.unit
def test_different_question_sets_or_unscored_rows_are_bad_input(tmp_path, capsys):
    ref = _rows()
    with pytest.raises(InputError, match="different questions"):
        compare(ref[1:], ref, load_tolerances())
    with pytest.raises(InputError, match="no scored rows"):
        compare([{"id": r["id"]} for r in ref], ref, load_tolerances())
    write_jsonl(ref, tmp_path / "ref.jsonl")
    write_jsonl(ref[1:], tmp_path / "now.jsonl")
    assert main([str(tmp_path / "now.jsonl"), "--reference", str(tmp_path / "ref.jsonl")]) == 2


@pytest.mark.unit
def test_command_exits_1_on_a_regression_and_0_on_drift(tmp_path, capsys):
    ref = _rows()
    write_jsonl(ref, tmp_path / "ref.jsonl")
    drift = _rows()
    _refuse(drift[0])
    write_jsonl(drift, tmp_path / "drift.jsonl")
    assert main([str(tmp_path / "drift.jsonl"), "--reference", str(tmp_path / "ref.jsonl")]) == 0
    broken = _rows()
    for row in broken[:5]:
        _refuse(row)
    write_jsonl(broken, tmp_path / "broken.jsonl")
    assert main([str(tmp_path / "broken.jsonl"), "--reference", str(tmp_path / "ref.jsonl")]) == 1
    out = capsys.readouterr().out
    assert "GATE FAILED: correct" in out and "a0, a1, a2, a3, a4" in out


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


def _gate(rows, split: str) -> list[str]:
    changes = compare(rows, read_jsonl(REFERENCE / f"{split}_extractive.jsonl"), load_tolerances())
    return [c.describe() for c in changes if c.failed]


@pytest.mark.integration
@pytest.mark.slow
def test_dev_set_passes_the_gate_against_the_reference(corpus_assistant, tmp_path):
    """Two runs: the reference (the eval command over the shared index) and this one (a fresh index
    built in this test session) pass the gate; the verifier's agreement is reported beside the judge's."""
    rows = evaluate(corpus_assistant, load_questions(REPO / "evals" / "questions" / "dev.jsonl"), "extractive")
    summary = summarise(rows)
    assert {"verifier_citation_precision", "citation_precision"} <= set(summary)
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
    problems = _gate(rows, "dev")
    assert not problems, problems


@pytest.mark.integration
@pytest.mark.slow
def test_frozen_test_split_passes_the_gate_against_the_reference(corpus_assistant):
    rows = evaluate(corpus_assistant, load_questions(REPO / "evals" / "questions" / "test.jsonl"), "extractive")
    problems = _gate(rows, "test")
    assert not problems, problems


@pytest.mark.integration
@pytest.mark.slow
def test_a_raised_refusal_threshold_fails_the_gate(corpus_settings):
    """The planted regression: MBO_ANSWER_THRESHOLD raised above the fitted refuse_below so that at
    least 5 more answerable dev questions are refused; the gate must fail on it."""
    from assistant.factory import build_assistant

    fitted = json.loads((REPO / "assistant" / "answer" / "data" / "selection.json").read_text())["refuse_below"]
    raised = build_assistant(corpus_settings.model_copy(update={"answer_threshold": RAISED_THRESHOLD}))
    assert RAISED_THRESHOLD > fitted
    rows = evaluate(raised, load_questions(REPO / "evals" / "questions" / "dev.jsonl"), "extractive")
    reference = read_jsonl(REFERENCE / "dev_extractive.jsonl")
    refused = sum(r["metrics"]["answerable"] and r["metrics"]["refused"] for r in rows)
    assert refused >= 5 + sum(r["metrics"]["answerable"] and r["metrics"]["refused"] for r in reference)
    failed = [c.metric for c in compare(rows, reference, load_tolerances()) if c.failed]
    assert "false_refusal_rate" in failed and "correct" in failed, failed
