"""Regression gate: a run compared with a stored reference run of the same questions.

    python -m evals.gate RESULTS.jsonl --reference evals/reference/dev_extractive.jsonl

Each gated metric may be worse than the reference by at most a stated number of questions' worth
(evals/gate.toml): the tolerance is k/n, where n is the number of reference questions the metric
averages over (the answerable ones for correct, fact_recall, hit@5, mrr, false_refusal_rate; the
unanswerable ones for refusal_rate; those with an answer to grade for the citation metrics).
So a gold passage moving from rank 1 to 2 costs mrr half a question, and platform drift that
flips a question or two passes, while five more refused answerable questions fail. New errors
(questions the assistant could not answer at all) always fail. The questions that went from
correct to not correct, and back, are listed by id. Exit 0 pass, 1 regression, 2 bad input
(unreadable file, unscored rows, or a different question set).
Non-goals: running the eval (run.py), latency (a benchmark: tests/benchmarks), intervals (report).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import InputError

TOLERANCES = Path(__file__).with_name("gate.toml")
LOWER_IS_BETTER = {"false_refusal_rate"}
OVER_UNANSWERABLE = {"refusal_rate"}
OVER_GRADED = {"citation_recall", "citation_precision", "faithfulness"}


@dataclass(frozen=True)
class Change:
    """One metric against the reference: `worse` in questions' worth (negative = better)."""
    metric: str
    reference: float
    value: float
    n: int
    worse: float
    tolerance: float

    @property
    def failed(self) -> bool:
        return self.worse > self.tolerance + 1e-9

    def describe(self) -> str:
        return (f"{self.metric} {self.reference:.3f} -> {self.value:.3f}: {self.worse:+.1f} questions worse "
                f"of {self.n} (tolerance {self.tolerance:g})")


def load_tolerances(path: Path = TOLERANCES) -> dict[str, float]:
    return dict(tomllib.loads(path.read_text(encoding="utf-8"))["tolerance"])


def _n(rows: list[dict], metric: str) -> int:
    """How many reference questions the metric is a mean over."""
    ms = [r["metrics"] for r in rows]
    if metric in OVER_UNANSWERABLE:
        return sum(not m["answerable"] for m in ms)
    if metric in OVER_GRADED:
        return sum(m.get(metric) is not None for m in ms)
    return sum(m["answerable"] and (m.get(metric) is not None or metric == "false_refusal_rate") for m in ms)


def compare(rows: list[dict], reference: list[dict], tolerances: dict[str, float]) -> list[Change]:
    """Every gated metric of `rows` against `reference` (same question ids, both scored)."""
    from evals.score import summarise

    _same_questions(rows, reference)
    now, ref = summarise(rows), summarise(reference)
    changes = []
    for metric, k in tolerances.items():
        if metric == "errors":
            changes.append(Change(metric, ref["errors"], now["errors"], len(reference),
                                  now["errors"] - ref["errors"], k))
            continue
        if ref.get(metric) is None:
            raise InputError(f"the reference has no {metric!r}. Fix: remove it from {TOLERANCES.name} or "
                             f"re-score the reference")
        n, value = _n(reference, metric), now.get(metric)
        value = value if value is not None else (1.0 if metric in LOWER_IS_BETTER else 0.0)
        delta = value - ref[metric]
        worse = (delta if metric in LOWER_IS_BETTER else -delta) * n
        changes.append(Change(metric, ref[metric], value, n, worse, k))
    return changes


def _same_questions(rows: list[dict], reference: list[dict]) -> None:
    for name, rs in (("results", rows), ("reference", reference)):
        if not rs or any("metrics" not in r for r in rs):
            raise InputError(f"the {name} file has no scored rows. Fix: run mbo-assistant eval without --no-score")
    a, b = {r["id"] for r in rows}, {r["id"] for r in reference}
    if a != b:
        raise InputError(f"the runs cover different questions ({len(a - b)} only in the results, {len(b - a)} "
                         f"only in the reference, e.g. {sorted(a ^ b)[:3]}). Fix: gate against a reference of "
                         f"the same question set")


def flips(rows: list[dict], reference: list[dict]) -> tuple[list[str], list[str]]:
    """(broken, fixed): answerable questions correct in the reference and not now, and the reverse."""
    ref = {r["id"]: r["metrics"].get("correct") for r in reference if r["metrics"]["answerable"]}
    now = {r["id"]: r["metrics"].get("correct") for r in rows if r["metrics"]["answerable"]}
    broken = sorted(i for i in ref if ref[i] and not now.get(i))
    fixed = sorted(i for i in ref if not ref[i] and now.get(i))
    return broken, fixed


def main(argv: list[str] | None = None) -> int:
    from evals.results import read_jsonl

    ap = argparse.ArgumentParser(prog="python -m evals.gate", description=__doc__.split("\n")[0])
    ap.add_argument("results", type=Path, help="RESULTS.jsonl of mbo-assistant eval --out")
    ap.add_argument("--reference", type=Path, required=True, help="the stored reference run, e.g. "
                    "evals/reference/dev_extractive.jsonl")
    ap.add_argument("--tolerances", type=Path, default=TOLERANCES)
    args = ap.parse_args(argv)
    try:
        rows, reference = read_jsonl(args.results), read_jsonl(args.reference)
        changes = compare(rows, reference, load_tolerances(args.tolerances))
    except (OSError, ValueError, KeyError, InputError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for c in changes:
        print(("GATE FAILED: " if c.failed else "ok: ") + c.describe())
    broken, fixed = flips(rows, reference)
    print(f"correct -> not correct ({len(broken)}): {', '.join(broken) or '-'}")
    print(f"not correct -> correct ({len(fixed)}): {', '.join(fixed) or '-'}")
    failed = [c for c in changes if c.failed]
    print("gate passed" if not failed else f"{len(failed)} metric(s) regressed beyond their tolerance")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
