"""The eval report (evals/report.py): its summary table puts the baseline's summary beside this
project's, with "–" for the metrics the baseline cannot have, and a previous run as a third
column. Summaries and the shared table: test_score.py; the baseline's rows: test_baseline.py."""

from __future__ import annotations

import json
import re
import subprocess
from argparse import Namespace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evals import record
from evals.baseline import describe
from evals.report import write_report
from evals.score import score_row, summarise
from evals.uncertainty import intervals
from tests.evals.sample_rows import OTHER, PASSAGE, QUESTIONS, baseline_rows, cells, project_rows, supports


class _Cells(HTMLParser):
    """Rows of <td>/<th> texts of the tables inside <section id=...>, with each row's data-id and
    the data-reason values in it."""

    def __init__(self, section: str):
        super().__init__()
        self.section, self.inside, self.rows, self.cell = section, False, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.inside = a.get("id") == self.section
        elif self.inside and tag == "tr":
            self.rows.append({"id": a.get("data-id"), "cells": [], "reasons": []})
        elif self.inside and tag in ("td", "th"):
            self.cell = []
        elif self.inside and a.get("data-reason"):
            self.rows[-1]["reasons"].append(a["data-reason"])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1]["cells"].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def parsed(page: str, section: str) -> list[dict]:
    p = _Cells(section)
    p.feed(page)
    return p.rows


def table_rows(page: str, section: str) -> list[list[str]]:
    return [r["cells"] for r in parsed(page, section)]


def numbers_row(page: str, label: str) -> list[str]:
    return next(r for r in table_rows(page, "numbers") if r[0] == label)


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
    numbers = table_rows(page, "numbers")
    assert numbers[0][:3] == ["Metric", "this run", "baseline"]
    assert ["Gold passage in top 4", "1.000", "0.500"] == numbers_row(page, "Gold passage in top 4")[:3]
    assert "LangChain RAG tutorial" in page


@pytest.mark.unit
def test_report_with_previous_run_and_baseline_has_three_columns(tmp_path):
    rows = project_rows()
    old = [dict(r, metrics=dict(r["metrics"], **{"hit@1": 0.0})) for r in rows]
    md, page = write_report(rows, summarise(rows), tmp_path, old=old, baseline=baseline_rows())
    md = md.read_text()
    assert "| metric | this run | previous | baseline |" in md
    assert cells(md, "hit@1") == ["1.000", "0.000", "0.000"]
    assert numbers_row(page.read_text(), "Gold passage retrieved first")[:4] == \
        ["Gold passage retrieved first", "1.000", "0.000", "0.000"]


@pytest.mark.unit
def test_report_without_baseline_has_no_baseline_column(tmp_path):
    rows = project_rows()
    md = write_report(rows, summarise(rows), tmp_path)[0].read_text()
    assert "baseline" not in md.lower() and cells(md, "hit@1") == ["1.000"]


# ------------------------------------------------------------------ report.html for people
Q4 = {"id": "q4", "question": "Hoeveel uur bpv in de bbl?", "answerable": True, "facts": [["610"]],
      "quote": QUESTIONS[0]["quote"]}


def mixed_rows() -> list[dict]:
    """q1 correct; q2 answered from the wrong passage without its fact; q3 (unanswerable) answered;
    q4 refused. Each row carries what `evaluate` stores for the report (facts, kind, doc_id)."""
    def row(q, answer, cited, answered=True):
        r = {"id": q["id"], "question": q["question"], "answered": answered, "mode": "extractive", "answer": answer,
             "citations": [{"n": 1, "text": cited, "title": "Werkwijzer", "section": "bpv"}] if cited else [],
             "timings_ms": {"total": 40.0}, "facts": q.get("facts", []), "tags": [], "doc_id": "werkwijzer"}
        r["metrics"] = score_row(r, q, [PASSAGE, OTHER], supports)
        return r
    return [row(QUESTIONS[0], f"{PASSAGE} [1]", PASSAGE), row(QUESTIONS[1], f"{OTHER} [1]", OTHER),
            row(QUESTIONS[2], f"{OTHER} [1]", OTHER), row(Q4, "Dat staat niet in de documenten.", None, False)]


@pytest.mark.unit
def test_failing_table_lists_exactly_the_failing_questions_with_their_reason(tmp_path):
    rows = mixed_rows()
    md, page = write_report(rows, summarise(rows), tmp_path, mode="extractive")
    failing = {r["id"]: r for r in parsed(page.read_text(), "failing") if r["id"]}
    assert {i: set(r["reasons"]) for i, r in failing.items()} == {
        "q2": {"missing fact", "wrong passage"}, "q3": {"answered an unanswerable"}, "q4": {"refused"}}
    question, facts, answer, passages, why = failing["q2"]["cells"]
    assert question.startswith("q2") and facts == "200" and OTHER in answer and OTHER in passages
    assert "missing fact(s) #1" in why and "gold passage not cited" in why
    assert "## Failing questions (3)" in md.read_text()
    assert "- **expected facts:** 200" in md.read_text()


@pytest.mark.unit
def test_page_puts_title_dataset_mode_commit_date_first_then_cards_with_intervals(tmp_path):
    rows = mixed_rows()
    summary = summarise(rows)
    meta = {"dataset": {"file": "dev.jsonl", "questions": 4, "sha256": "ab" * 32}, "commit": "c0ffee" * 6 + "abcd",
            "date": "2026-01-02T03:04:05+00:00"}
    page = write_report(rows, summary, tmp_path, mode="extractive", intervals=intervals(rows, summary),
                        old=rows[:2], meta=meta)[1].read_text()
    header = page[page.index("<body>"):page.index('id="headline"')]
    assert all(s in header for s in ("<h1>", "dev.jsonl", "4 questions", "extractive", "c0ffeec0ffee", "2026-01-02"))
    cards = re.findall(r'<div class="card" data-key="([^"]+)">.*?<div class="value">([^<]*)<span class="ci">([^<]*)</span>',
                       page, re.S)
    assert [c[0] for c in cards] == ["fact_recall", "cited_gold", "correct", "refusal_rate", "false_refusal_rate",
                                     "faithfulness"]
    assert dict((k, v) for k, v, _ in cards)["correct"] == "0.333"
    assert all(re.fullmatch(r"\[\d\.\d\d, \d\.\d\d\]", ci) for _, _, ci in cards)
    assert "previous 0.500" in page  # correct: 1 of 2 in the previous run (q1, q2)
    assert "by_tags" not in page and "Failing questions (3)" in page


# ------------------------------------------------------------------ summary.json and the command
@pytest.mark.unit
def test_summary_json_has_each_metric_with_interval_and_the_run_s_provenance(tmp_path):
    rows = mixed_rows()
    summary = summarise(rows)
    qfile = tmp_path / "set.jsonl"
    qfile.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS + [Q4]), encoding="utf-8")
    data = record.build(intervals(rows, summary), "extractive", record.dataset(qfile, 4))
    path = record.write(data, tmp_path / "rep")
    got = json.loads(path.read_text())
    assert path.name == "summary.json"
    assert {"mode", "dataset", "commit", "date", "metrics"} <= set(got) and got["mode"] == "extractive"
    assert got["dataset"] == {"file": "set.jsonl", "questions": 4,
                              "sha256": __import__("hashlib").sha256(qfile.read_bytes()).hexdigest()}
    assert set(got["metrics"]) == set(summary)
    for key, m in got["metrics"].items():
        assert set(m) == {"value", "ci_low", "ci_high", "n"}, key
    assert got["metrics"]["correct"]["value"] == pytest.approx(1 / 3) and got["metrics"]["correct"]["n"] == 3
    assert got["metrics"]["refusal_rate"]["n"] == 1
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True)
    assert got["commit"] == head.stdout.strip() and re.fullmatch(r"[0-9a-f]{40}", got["commit"])
    assert re.match(r"\d{4}-\d\d-\d\dT", got["date"])
    assert record.git_commit(tmp_path) == ""  # not a repository


@pytest.mark.unit
def test_eval_command_prints_intervals_and_the_comparison_and_writes_summary_json(tmp_path, monkeypatch, capsys):
    import assistant.factory
    import evals.judges
    import evals.run as run

    rows, old = mixed_rows(), project_rows()
    qfile, old_file = tmp_path / "set.jsonl", tmp_path / "old.jsonl"
    qfile.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS + [Q4]), encoding="utf-8")
    old_file.write_text("".join(json.dumps(r) + "\n" for r in old), encoding="utf-8")
    monkeypatch.setattr(assistant.factory, "build_assistant",
                        lambda settings: Namespace(retriever=Namespace(index=Namespace(embedder=None))))
    monkeypatch.setattr(evals.judges, "build_judge", lambda *a, **k: None)
    monkeypatch.setattr(run, "evaluate", lambda *a, **k: rows)
    args = Namespace(questions=str(qfile), mode="extractive", out=None, report=str(tmp_path / "rep"), no_score=False,
                     compare=str(old_file), baseline=None, judge="lexical")
    assert run.main(args, Namespace(answer_mode="extractive")) == 0
    out = capsys.readouterr().out
    assert re.search(r"\| correct \| 0\.333 \[0\.00, 1\.00\] \|", out)
    assert "correct: 1.000 -> 0.500 over 2; fixed 0, broken 1, McNemar exact p = 1" in out
    assert "broken: q2" in out
    got = json.loads((tmp_path / "rep" / "summary.json").read_text())
    assert got["comparison"]["paired"][0]["broken"] == ["q2"] and got["dataset"]["questions"] == 4
    assert (tmp_path / "rep" / "report.html").exists()
