"""The evaluation's command line: `mbo-eval QUESTIONS.jsonl …`, also reached as
`mbo-assistant eval …` (which runs this in a child process, so assistant/ never imports evals/).

Reads the settings once and hands them to evals.run. Exit codes: 0 ok, 2 bad input or
configuration. Non-goal: the scoring itself (score.py, metrics.py).
"""

from __future__ import annotations

import argparse
import sys

from evals.judges import DEFAULT_JUDGE, JUDGES
from ingest.errors import MboError
from ingest.settings import load_settings


def parser() -> argparse.ArgumentParser:
    ev = argparse.ArgumentParser(prog="mbo-assistant eval", description="answer (and score) a question set")
    ev.add_argument("questions", help="JSONL question set, e.g. evals/questions/dev.jsonl")
    ev.add_argument("--mode", choices=("extractive", "llm"), default=None)
    ev.add_argument("--out", help="write RESULTS.jsonl here")
    ev.add_argument("--report", help="write report.md and report.html into this folder")
    ev.add_argument("--no-score", action="store_true", help="only answer (id and question needed)")
    ev.add_argument("--compare", help="an older RESULTS.jsonl to diff against in the report")
    ev.add_argument("--baseline", help="results of python -m evals.baseline (e.g. evals/results/baseline_dev.jsonl): "
                                       "adds a 'baseline' column to the summary table and the report")
    ev.add_argument("--judge", default=DEFAULT_JUDGE, choices=JUDGES,
                    help="support judge for citation recall/precision and faithfulness (default agreement: "
                         "e5 + number/name agreement, independent of the answer path; qwen = the local "
                         "model's P(yes); lexical = the answer path's own check; ragas computes "
                         "faithfulness with ragas over MBO_LLM_BACKEND=openai). The answer path's check "
                         "is always reported apart as verifier_*")
    return ev


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        from evals.run import main as run_eval

        return run_eval(args, load_settings())
    except MboError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
