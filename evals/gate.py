"""Regression gate: compare an eval summary with the committed thresholds (evals/thresholds.toml).

Thresholds are measured values minus a small margin; they are raised when the assistant gets
better and never lowered to let a change pass. `python -m evals.gate RESULTS.jsonl` exits 1 when
a metric is below its minimum (or above its maximum). Non-goal: running the eval (run.py).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

THRESHOLDS = Path(__file__).with_name("thresholds.toml")


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {"min": data.get("min", {}), "max": data.get("max", {})}


def check(summary: dict, thresholds: dict[str, dict[str, float]]) -> list[str]:
    """Messages for every metric outside its bound (empty = pass)."""
    problems = []
    for name, low in thresholds["min"].items():
        value = summary.get(name)
        if value is None or value < low:
            problems.append(f"{name} = {value!r} is below the minimum {low}")
    for name, high in thresholds["max"].items():
        value = summary.get(name)
        if value is None or value > high:
            problems.append(f"{name} = {value!r} is above the maximum {high}")
    return problems


def main(argv: list[str] | None = None) -> int:
    from evals.results import read_jsonl
    from evals.score import summarise

    args = argv if argv is not None else sys.argv[1:]
    if not args:
        print("usage: python -m evals.gate RESULTS.jsonl", file=sys.stderr)
        return 2
    problems = check(summarise(read_jsonl(Path(args[0]))), load_thresholds())
    for p in problems:
        print(f"GATE FAILED: {p}")
    print("gate passed" if not problems else f"{len(problems)} metric(s) regressed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
