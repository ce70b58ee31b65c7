"""The llm-mode gate: a handful of dev questions answered by the real local model (in its own
supervised process, as tests/assistant/answer/test_chain_llm.py starts it), compared with the stored
llm reference run (evals/reference/dev_llm.jsonl, written by
`mbo-assistant eval <those questions> --mode llm --out …`). With 4 answerable questions and 1
unanswerable one, each metric may be worse by at most one question. A missing or broken model
fails (no skip); an extractive fallback where the model should have answered is a failure too."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.gate import compare, load_tolerances
from evals.questions import load_questions
from evals.results import read_jsonl
from evals.run import evaluate

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "evals" / "reference" / "dev_llm.jsonl"
IDS = ("dev-027", "dev-030", "dev-039", "dev-040", "dev-130")


def test_llm_mode_passes_the_gate_on_a_handful_of_dev_questions(llm_assistant):
    questions = [q for q in load_questions(REPO / "evals" / "questions" / "dev.jsonl") if q["id"] in IDS]
    reference = read_jsonl(REFERENCE)
    assert [q["id"] for q in questions] == [r["id"] for r in reference] == list(IDS)
    rows = evaluate(llm_assistant, questions, "llm")
    answered = [r for r in rows if r["answered"]]
    assert answered and all(r["mode"] == "llm" and not any("extractief" in n for n in r["notes"])
                            for r in answered), [(r["id"], r["mode"], r["notes"]) for r in answered]
    tolerances = {metric: (0 if metric == "errors" else 1) for metric in load_tolerances()}
    failed = [c.describe() for c in compare(rows, reference, tolerances) if c.failed]
    assert not failed, failed
