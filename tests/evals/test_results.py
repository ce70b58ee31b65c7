"""Results files (evals/results.py): JSONL written and read back, and a baseline's rows loaded for
`--baseline`, including the committed baseline results of the dev set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.results import load_baseline, read_jsonl, write_jsonl
from evals.score import summarise
from ingest.errors import InputError
from tests.evals.sample_rows import baseline_rows

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.unit


def test_write_jsonl_then_read_jsonl_gives_the_rows_back(tmp_path):
    rows = baseline_rows() + [{"id": "é", "answer": "Dat staat niet in de documenten."}]
    path = tmp_path / "sub" / "r.jsonl"
    write_jsonl(rows, path)
    assert read_jsonl(path) == rows
    assert "é" in path.read_text(encoding="utf-8")  # not escaped


def test_load_baseline_keeps_this_runs_questions_and_rejects_other_files(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in baseline_rows()) + "\n", encoding="utf-8")
    assert [r["id"] for r in load_baseline(path, ["q1", "q3", "q9"])] == ["q1", "q3"]
    with pytest.raises(InputError, match="none of its question ids"):
        load_baseline(path, ["x"])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "q1"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="'metrics'"):
        load_baseline(bad, ["q1"])


def test_committed_baseline_results_cover_the_dev_set():
    from evals.questions import load_questions

    dev = load_questions(REPO / "evals" / "questions" / "dev.jsonl")
    rows = load_baseline(REPO / "evals" / "results" / "baseline_dev.jsonl", [q["id"] for q in dev])
    assert len(rows) == len(dev)
    s = summarise(rows)
    assert s["answerable"] == sum(q["answerable"] for q in dev)
    assert 0.0 < s["hit@1"] <= s["hit@3"] <= s["hit@4"] <= s["hit@5"] <= s["hit@10"] <= 1.0
    assert s["citation_recall"] is None  # the tutorial pipeline has no citations
