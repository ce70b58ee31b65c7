"""Results files: RESULTS.jsonl (one row per question, written by `mbo-assistant eval --out` and
`python -m evals.baseline --out`) read and written, and a baseline's rows loaded for `--baseline`.

Non-goals: what a row contains (run.py answers, score.py scores), summarising rows (score.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ingest.errors import InputError


def write_jsonl(rows: Sequence[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def load_baseline(path: Path, ids: Sequence[str]) -> list[dict]:
    """The rows of an evals.baseline results file that belong to this run's questions."""
    try:
        rows = read_jsonl(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"--baseline {path}: cannot read a results JSONL ({exc}). Fix: write one with "
                         f"python -m evals.baseline QUESTIONS.jsonl --out {path}") from exc
    if any("id" not in r or "metrics" not in r for r in rows):
        raise InputError(f"--baseline {path}: rows need 'id' and 'metrics' (the evals.baseline output). "
                         f"Fix: re-run python -m evals.baseline QUESTIONS.jsonl --out {path}")
    wanted = set(ids)
    rows = [r for r in rows if r["id"] in wanted]
    if not rows:
        raise InputError(f"--baseline {path}: none of its question ids are in this run. Fix: run the "
                         f"baseline on the same question set")
    return rows
