"""summary.json, written beside the report: what was measured, on what and when.

    {"mode", "judge", "dataset": {"file", "questions", "sha256"}, "commit", "date",
     "metrics": {key: {"value", "ci_low", "ci_high", "n"}}, "comparison"?: {...}}

`commit` is `git rev-parse HEAD` of the checkout this code runs from ("" outside a git repository
or without git); `date` is UTC ISO 8601; the intervals come from evals.uncertainty.
Non-goals: computing the metrics or intervals (score.py, uncertainty.py), the report (report.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

from evals.uncertainty import Comparison, Interval


def git_commit(where: Path = Path(__file__).resolve().parent) -> str:
    """HEAD's commit hash, or "" when `where` is not in a git repository (or git is missing)."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def dataset(path: Path, questions: int) -> dict:
    """The question file's name, question count and sha256 of its bytes."""
    return {"file": Path(path).name, "questions": questions,
            "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest()}


def build(intervals: dict[str, Interval], mode: str, data: dict, judge: str = "lexical",
          comparison: Comparison | None = None, commit: str | None = None, date: str | None = None) -> dict:
    out = {"mode": mode, "judge": judge, "dataset": data,
           "commit": git_commit() if commit is None else commit,
           "date": date or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
           "metrics": {k: iv.as_dict() for k, iv in intervals.items()}}
    if comparison is not None:
        out["comparison"] = comparison.as_dict()
    return out


def write(record: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "summary.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
