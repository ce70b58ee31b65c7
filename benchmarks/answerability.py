"""How well the fitted answerability (assistant/answer/selection.py; the lowest over a message's
asks) separates answerable from unanswerable questions: ROC AUC per question set (the refusal
threshold can only be as good as this). train and dev are what the selection was fitted on.

    .venv/bin/python benchmarks/answerability.py train dev      # never `test`: it is for reporting only

Prints one line per set; no assertions. Non-goal: choosing the threshold (evals/fit_selection.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from common import REPO


def best_scores(assistant, questions: list[dict]) -> list[float]:
    out = []
    for q in questions:
        per_ask = assistant.ranked_asks(q["question"], [tuple(t) for t in q.get("history", [])])
        scores = [assistant.selector.answerable(units[0].features, units[0].score) if units else 0.0
                  for _, units in per_ask]
        out.append(min(scores) if scores else 0.0)
    return out


def main(names: list[str]) -> int:
    from sklearn.metrics import roc_auc_score

    from assistant.factory import build_assistant
    from evals.questions import load_questions
    from ingest.settings import load_settings

    if "test" in names:
        print("error: the frozen test split is not used for analysis; use train or dev", file=sys.stderr)
        return 2
    assistant = build_assistant(load_settings())
    for name in names:
        qs = load_questions(REPO / "evals" / "questions" / f"{name}.jsonl")
        scores = best_scores(assistant, qs)
        labels = [q["answerable"] for q in qs]
        print(f"{name}: {len(qs)} questions ({labels.count(False)} unanswerable), "
              f"AUC of the answerability for answerable vs not: {roc_auc_score(labels, scores):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["train", "dev"]))
