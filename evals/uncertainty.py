"""How sure a run's numbers are: percentile-bootstrap 95% intervals for every rate of a summary,
and a paired comparison of two runs on the same question ids (which questions were fixed and which
broken, an exact McNemar p-value, a paired-bootstrap interval of the change in key-fact recall).

A rate's interval resamples the questions that rate is a mean over (with replacement, `RESAMPLES`
times, fixed `SEED`), so the same rows always give the same interval. A summary key is the mean of
the per-question metric of the same name over the rows that have it; refusal_rate and
false_refusal_rate are `refused` over the unanswerable and the answerable questions.
Non-goals: computing the summary (score.py), printing or rendering it (score.py, report.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SEED = 15
RESAMPLES = 2000
LEVEL = 0.95
_POPULATION = {"refusal_rate": (False, "refused"), "false_refusal_rate": (True, "refused")}
_LATENCY = {"latency_p50_ms": 50, "latency_p95_ms": 95}


@dataclass(frozen=True)
class Interval:
    """A metric's point value, its 95% interval (None when there is nothing to resample) and n."""
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int

    def as_dict(self) -> dict:
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high, "n": self.n}


def _bounds(stats: np.ndarray) -> tuple[float, float]:
    tail = (1 - LEVEL) / 2 * 100
    lo, hi = np.percentile(stats, [tail, 100 - tail])
    return float(lo), float(hi)


def _indices(n: int, seed: int = SEED, resamples: int = RESAMPLES) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def mean_interval(values: Sequence[float], seed: int = SEED, resamples: int = RESAMPLES) -> Interval:
    """The mean of `values` with its percentile-bootstrap interval (n = len(values))."""
    xs = np.asarray([float(v) for v in values], dtype=float)
    if xs.size == 0:
        return Interval(None, None, None, 0)
    lo, hi = _bounds(xs[_indices(xs.size, seed, resamples)].mean(axis=1))
    return Interval(float(xs.mean()), lo, hi, int(xs.size))


def percentile_interval(values: Sequence[float], p: float, seed: int = SEED,
                        resamples: int = RESAMPLES) -> Interval:
    """The p-th percentile (linear, as metrics.percentile) with its bootstrap interval."""
    xs = np.asarray([float(v) for v in values], dtype=float)
    if xs.size == 0:
        return Interval(None, None, None, 0)
    lo, hi = _bounds(np.percentile(xs[_indices(xs.size, seed, resamples)], p, axis=1))
    return Interval(float(np.percentile(xs, p)), lo, hi, int(xs.size))


def per_question(rows: Sequence[dict], key: str) -> list[float]:
    """The per-question values a summary key is the mean of (see the module docstring)."""
    ms = [r["metrics"] for r in rows if r.get("metrics")]
    if key in _POPULATION:
        answerable, name = _POPULATION[key]
        return [float(m[name]) for m in ms if bool(m.get("answerable")) == answerable and m.get(name) is not None]
    return [float(m[key]) for m in ms if isinstance(m.get(key), (bool, int, float))]


def intervals(rows: Sequence[dict], summary: dict) -> dict[str, Interval]:
    """An Interval for every key of `summary`. Rates and latencies get a bootstrap interval; counts
    (questions, errors …) and a value the per-question metrics do not reproduce get none."""
    out = {}
    timed = [r["timings_ms"]["total"] for r in rows if r.get("timings_ms", {}).get("total") is not None]
    for key, value in summary.items():
        if key in _LATENCY:
            out[key] = percentile_interval(timed, _LATENCY[key]) if timed else Interval(value, None, None, 0)
            continue
        if not isinstance(value, float):
            out[key] = Interval(value, None, None, len(rows))
            continue
        xs = per_question(rows, key)
        iv = mean_interval(xs)
        same = iv.value is not None and math.isclose(iv.value, value, abs_tol=1e-9)
        out[key] = Interval(value, iv.ci_low, iv.ci_high, iv.n) if same else Interval(value, None, None, len(xs))
    return out


# ------------------------------------------------------------------ paired comparison
# (name, answerable questions?, good(metrics) -> bool): per-question booleans compared run to run
PAIRED = (
    ("correct", True, lambda m: bool(m.get("correct"))),
    ("unanswerable refused", False, lambda m: bool(m.get("refused"))),
    ("no false refusal", True, lambda m: not m.get("refused")),
)


@dataclass(frozen=True)
class Paired:
    """One boolean metric compared on the questions both runs share: ids that went from bad to
    good (fixed) and good to bad (broken), the exact McNemar p-value, and the rate before/after."""
    metric: str
    n: int
    fixed: tuple[str, ...]
    broken: tuple[str, ...]
    p_value: float
    before: float | None
    after: float | None


@dataclass(frozen=True)
class Comparison:
    paired: tuple[Paired, ...]
    fact_recall_change: Interval  # mean of (new - old) key-fact recall, paired bootstrap
    shared: int  # questions in both runs
    only_new: tuple[str, ...]
    only_old: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"shared": self.shared, "only_new": list(self.only_new), "only_old": list(self.only_old),
                "fact_recall_change": self.fact_recall_change.as_dict(),
                "paired": [{"metric": p.metric, "n": p.n, "fixed": list(p.fixed), "broken": list(p.broken),
                            "p_value": p.p_value, "before": p.before, "after": p.after} for p in self.paired]}


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value: the binomial(b + c, 1/2) probability of a split at least as
    uneven as (b, c), doubled and capped at 1; 1.0 when no pair is discordant."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def compare(rows: Sequence[dict], old: Sequence[dict], seed: int = SEED, resamples: int = RESAMPLES) -> Comparison:
    """This run (`rows`) against an older one (`old`), paired on question id."""
    before = {r["id"]: r["metrics"] for r in old if r.get("metrics")}
    now = {r["id"]: r["metrics"] for r in rows if r.get("metrics")}
    ids = [i for i in now if i in before]
    paired = []
    for name, answerable, good in PAIRED:
        ours = [i for i in ids if bool(now[i].get("answerable")) == answerable]
        fixed = tuple(i for i in ours if good(now[i]) and not good(before[i]))
        broken = tuple(i for i in ours if good(before[i]) and not good(now[i]))
        rate = lambda ms: sum(good(m) for m in ms) / len(ms) if ms else None  # noqa: E731
        paired.append(Paired(name, len(ours), fixed, broken, mcnemar_exact(len(fixed), len(broken)),
                             rate([before[i] for i in ours]), rate([now[i] for i in ours])))
    deltas = [now[i]["fact_recall"] - before[i]["fact_recall"] for i in ids
              if now[i].get("fact_recall") is not None and before[i].get("fact_recall") is not None]
    return Comparison(tuple(paired), mean_interval(deltas, seed, resamples), len(ids),
                      tuple(i for i in now if i not in before), tuple(i for i in before if i not in now))


def comparison_lines(comp: Comparison) -> list[str]:
    """The comparison as plain lines, for the terminal and report.md."""
    lines = [f"paired on {comp.shared} shared questions"
             + (f" ({len(comp.only_new)} only in this run, {len(comp.only_old)} only in the previous)"
                if comp.only_new or comp.only_old else "")]
    for p in comp.paired:
        lines.append(f"{p.metric}: {_rate(p.before)} -> {_rate(p.after)} over {p.n}; fixed {len(p.fixed)}, "
                     f"broken {len(p.broken)}, McNemar exact p = {p.p_value:.3g}")
        if p.fixed:
            lines.append(f"  fixed: {', '.join(p.fixed)}")
        if p.broken:
            lines.append(f"  broken: {', '.join(p.broken)}")
    d = comp.fact_recall_change
    if d.value is not None:
        lines.append(f"key-fact recall change: {d.value:+.3f} [{d.ci_low:+.3f}, {d.ci_high:+.3f}] "
                     f"(paired bootstrap over {d.n} questions)")
    return lines


def _rate(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"
