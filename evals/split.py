"""Split new question pools into `train` (all tuning) and a frozen `test` split.

    python -m evals.split evals/questions/pools/pool_a.jsonl evals/questions/pools/pool_b.jsonl

Deterministic: within each pool and each kind (the first kind tag: two-asks, comparison, list,
procedure, followup, student-phrasing, english, single-fact, unanswerable), questions are ordered
by sha256 of their id and dealt alternately to test and train, so both splits have every kind in
the same proportion. test.jsonl is then frozen: tests/evals/test_questions.py pins its sha256 and
no tuning reads it. Refuses to overwrite an existing test.jsonl.
Non-goal: writing questions (helper sessions wrote the pools without seeing the answerer).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from evals.questions import kind, load_questions

def split(pools: list[list[dict]]) -> tuple[list[dict], list[dict]]:
    test, train = [], []
    for pool in pools:
        by_kind: dict[str, list[dict]] = {}
        for q in pool:
            by_kind.setdefault(kind(q), []).append(q)
        for k in sorted(by_kind):
            ordered = sorted(by_kind[k], key=lambda q: hashlib.sha256(q["id"].encode()).hexdigest())
            for i, q in enumerate(ordered):
                (test if i % 2 == 0 else train).append(q)
    key = lambda q: q["id"]  # noqa: E731
    return sorted(test, key=key), sorted(train, key=key)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pools", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path("evals/questions"))
    args = ap.parse_args(argv)
    if (args.out / "test.jsonl").exists():
        print(f"error: {args.out / 'test.jsonl'} exists and is frozen; write new questions to a new pool",
              file=sys.stderr)
        return 2
    test, train = split([load_questions(p) for p in args.pools])
    for name, rows in (("test", test), ("train", train)):
        with open(args.out / f"{name}.jsonl", "w", encoding="utf-8") as f:
            f.writelines(json.dumps(q, ensure_ascii=False) + "\n" for q in rows)
        print(f"{name}: {len(rows)} questions, {sum(not q['answerable'] for q in rows)} unanswerable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
