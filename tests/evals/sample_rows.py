"""Hand-made eval rows shared by the evals tests (score, results, report, baseline): three
questions, this project's rows scored with evals.score.score_row and the LangChain-tutorial
baseline's rows from evals.baseline.retrieval_row. Not a test module."""

from __future__ import annotations

from evals.baseline import retrieval_row
from evals.score import score_row

GOLD = "minimaal 610 uur beroepspraktijkvorming"
PASSAGE = "De kandidaat volgt minimaal 200 uur onderwijs en " + GOLD + "."
OTHER = "De Werkagenda mbo loopt tot 2026."
QUESTIONS = [
    {"id": "q1", "question": "Hoeveel uur bpv?", "answerable": True, "facts": [["610"]], "quote": GOLD},
    {"id": "q2", "question": "Hoeveel uur onderwijs?", "answerable": True, "facts": [["200"]], "quote": GOLD},
    {"id": "q3", "question": "Wat kost een kopje koffie?", "answerable": False},
]


def supports(claim, passages):
    return any(claim.rstrip(".") in p for p in passages)


def project_rows():
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
        row["metrics"] = score_row(row, q, [PASSAGE, OTHER], supports)
        rows.append(row)
    return rows


def baseline_rows():
    """The baseline: gold at rank 2 for q1, not retrieved for q2; q3 unanswerable."""
    return [retrieval_row(QUESTIONS[0], [OTHER, PASSAGE]), retrieval_row(QUESTIONS[1], [OTHER, OTHER]),
            retrieval_row(QUESTIONS[2], [OTHER])]


def cells(md_text: str, metric: str) -> list[str]:
    """The cells of the summary-table row for `metric` (first match)."""
    line = next(ln for ln in md_text.splitlines() if ln.startswith(f"| {metric} |"))
    return [c.strip() for c in line.strip("|").split("|")][1:]
