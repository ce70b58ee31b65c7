"""What a run's rows say, for the report: the failing questions and why each failed, the rows
grouped by tag, audience, question kind or document with their rates, the bars a chart draws
(share handled right per group, with a 95% interval), latency with the cold start apart, and
which questions changed status against an older run.

Non-goals: the metrics themselves (score.py, metrics.py), rendering (report.py and its template).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from evals import metrics as M
from evals.questions import kind
from evals.uncertainty import mean_interval

BAR_METRICS = ("correct", "fact_recall", "cited_gold", "refused")


def row_kind(r: dict) -> str:
    """The question kind (questions.kind) a row was stored with, or worked out from its tags."""
    return r.get("kind") or kind({"answerable": r.get("metrics", {}).get("answerable", True), "tags": r.get("tags", [])})


def _groups(rows: Sequence[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        values = (row_kind(r) if key == "kind" else r.get(key)) or ["(none)"]
        for v in values if isinstance(values, list) else [values]:
            out[v].append(r)
    return dict(sorted(out.items()))


def group_table(rows: Sequence[dict], key: str) -> list[tuple[str, int, dict]]:
    table = []
    for name, rs in _groups(rows, key).items():
        ms = [r["metrics"] for r in rs if "metrics" in r]
        vals = {}
        for m in BAR_METRICS:
            xs = [float(x[m]) for x in ms if x.get(m) is not None]
            vals[m] = sum(xs) / len(xs) if xs else None
        table.append((name, len(rs), vals))
    return table


def reasons(m: dict) -> list[tuple[str, str]]:
    """Why one scored question failed, as (reason, detail) with reason one of REASONS; [] when it
    did not fail (answerable and correct, or unanswerable and refused)."""
    if not m.get("answerable"):
        return [] if m.get("refused") else [("answered an unanswerable", "answered an unanswerable question")]
    if m.get("correct"):
        return []
    if m.get("refused"):  # its facts and citations are missing because it refused
        return [("refused", f"refused an answerable question ({_rank(m)})")]
    out = []
    missed = [i for i, ok in enumerate(m.get("fact_hits", [])) if not ok]
    if missed:
        out.append(("missing fact", f"missing fact(s) #{', #'.join(str(i + 1) for i in missed)}"))
    if m.get("cited_gold") is False:
        out.append(("wrong passage", f"gold passage not cited ({_rank(m)})"))
    return out or [("incorrect", "incorrect")]


REASONS = ("missing fact", "wrong passage", "refused", "answered an unanswerable", "incorrect")


def _rank(m: dict) -> str:
    rank = m.get("gold_rank")
    if m.get("cited_gold") is None:
        return "the question has no gold passage"
    return f"gold passage at retrieval rank {rank}" if rank else "gold passage not in the top 10 retrieved"


def failures(rows: Sequence[dict]) -> list[tuple[dict, str]]:
    """(row, what failed) for answerable questions not correct and unanswerable ones answered."""
    return [(r, "; ".join(d for _, d in why)) for r in rows if r.get("metrics") and (why := reasons(r["metrics"]))]


def diff(rows: Sequence[dict], old: Sequence[dict]) -> list[tuple[str, str, str]]:
    """(id, old status, new status) for questions whose status changed."""
    def status(r):
        m = r.get("metrics", {})
        if not m:
            return "—"
        if m.get("answerable"):
            return "correct" if m.get("correct") else ("refused" if m.get("refused") else "wrong")
        return "refused" if m.get("refused") else "answered"
    before = {r["id"]: status(r) for r in old}
    return [(r["id"], before.get(r["id"], "new"), status(r)) for r in rows
            if before.get(r["id"], "new") != status(r)]


def handled_right(m: dict) -> bool:
    """An answerable question answered correctly, or an unanswerable one refused."""
    return bool(m.get("correct")) if m.get("answerable") else bool(m.get("refused"))


def bars(rows: Sequence[dict], key: str, min_n: int = 1) -> tuple[list[dict], int]:
    """One bar per group with at least `min_n` scored questions, sorted by share handled right
    (highest first): {label, n, value, low, high}. Also returns how many groups were left out."""
    out, left_out = [], 0
    for name, rs in _groups(rows, key).items():
        xs = [float(handled_right(r["metrics"])) for r in rs if r.get("metrics")]
        if len(xs) < max(min_n, 1):
            left_out += 1
            continue
        iv = mean_interval(xs)
        out.append({"label": name, "n": iv.n, "value": iv.value, "low": iv.ci_low, "high": iv.ci_high})
    return sorted(out, key=lambda b: (-b["value"], -b["n"], b["label"])), left_out


def latency(rows: Sequence[dict], bins: int = 20) -> dict | None:
    """The first question's time (the cold start: models load) apart from the rest, and the rest's
    histogram ({low, high, count} per bin), p50 and p95 in ms. None when no row was timed."""
    timed = [(r["id"], r["timings_ms"]["total"]) for r in rows if r.get("timings_ms", {}).get("total") is not None]
    if not timed:
        return None
    (cold_id, cold), rest = timed[0], [t for _, t in timed[1:]]
    out = {"cold_id": cold_id, "cold_ms": cold, "n": len(rest), "p50": None, "p95": None, "max": None, "bins": []}
    if rest:
        counts, edges = np.histogram(rest, bins=bins)
        out.update(p50=M.percentile(rest, 50), p95=M.percentile(rest, 95), max=max(rest),
                   bins=[{"low": float(edges[i]), "high": float(edges[i + 1]), "count": int(c)}
                         for i, c in enumerate(counts)])
    return out
