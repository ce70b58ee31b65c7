"""Scores over eval rows: one question's metrics (score_row), their means over a run (summarise)
and the one summary table that both the terminal (`mbo-assistant eval`, `python -m evals.baseline`)
and the report print.

Non-goals: the metric formulas (metrics.py), answering the questions (run.py), reading or writing
results files (results.py), the report's charts, failures and diff (report.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from evals import metrics as M

Supports = Callable[[str, list[str]], bool]
Faithfulness = Callable[[list[str], list[str], str], "float | None"]  # (sentences, retrieved passages, question)
HIT_KS = (1, 3, 4, 5, 10)  # hit@4 = the LangChain tutorial's top-4, for the baseline column


def verifier_supports(similarity=None) -> Supports:
    """The answer path's own check (assistant.answer.support.check, as compose.verify calls it).
    Grading with it measures the verifier's agreement with itself, not the answers' support."""
    from assistant.answer.support import check

    return lambda claim, passages: check(claim, passages, similarity=similarity).supported


default_supports = verifier_supports  # the name older callers use
VERIFIER_KEYS = ("verifier_citation_recall", "verifier_citation_precision", "verifier_faithfulness")


def score_row(row: dict, q: dict, retrieved: list[str], supports: Supports,
              faithfulness: Faithfulness | None = None, verifier: Supports | None = None) -> dict:
    """Per-question metrics for one answered row (see metrics.py for the formulas). `faithfulness`
    replaces metrics.faithfulness when the judge has its own (ragas). `verifier` (the answer path's
    check) adds the same three support metrics as verifier_*, labelled as the verifier's agreement."""
    cites = {c["n"]: c["text"] for c in row.get("citations", [])}
    m: dict = {"answerable": q["answerable"], "refused": not row.get("answered", False)}
    sents = [(s, [cites[c] for c in cs if c in cites])
             for s, cs in M.answer_sentences(row.get("answer", ""), len(cites))] if row.get("answered") else []
    if q["answerable"]:
        rank = M.gold_rank(retrieved, q["quote"]) if q.get("quote") else None
        m["gold_rank"] = rank
        m["mrr"] = M.reciprocal_rank(rank)
        for k in HIT_KS:
            m[f"hit@{k}"] = M.hit_at(rank, k)
        hits = M.fact_hits(row.get("answer", ""), q.get("facts", []))
        m["fact_hits"] = hits
        m["fact_recall"] = sum(hits) / len(hits) if hits else None
        m["cited_gold"] = (M.gold_rank(list(cites.values()), q["quote"]) is not None) if q.get("quote") else None
        ok_facts = all(hits) if hits else True
        ok_cite = m["cited_gold"] if m["cited_gold"] is not None else True
        m["correct"] = bool(row.get("answered")) and ok_facts and ok_cite
    if sents:
        m["citation_recall"] = M.citation_recall(sents, supports)
        m["citation_precision"] = M.citation_precision(sents, supports)
        claims, context = [s for s, _ in sents], retrieved[:10]
        m["faithfulness"] = (faithfulness(claims, context, q["question"]) if faithfulness
                             else M.faithfulness(claims, context, supports))
        if verifier is not None:
            m["verifier_citation_recall"] = M.citation_recall(sents, verifier)
            m["verifier_citation_precision"] = M.citation_precision(sents, verifier)
            m["verifier_faithfulness"] = M.faithfulness(claims, context, verifier)
    return m


def _values(ms: Sequence[dict], key: str) -> list[float]:
    """The metric over the rows that have it (a baseline row lacks what its pipeline cannot give)."""
    return [float(m[key]) for m in ms if m.get(key) is not None]


def summarise(rows: Sequence[dict]) -> dict:
    """Means over the rows; a metric no row has is None (shown as "–")."""
    ans = [r["metrics"] for r in rows if r.get("metrics", {}).get("answerable")]
    una = [r["metrics"] for r in rows if "metrics" in r and not r["metrics"]["answerable"]]
    allm = [r["metrics"] for r in rows if "metrics" in r]
    lat = [r["timings_ms"]["total"] for r in rows if r.get("timings_ms", {}).get("total") is not None]
    s = {"questions": len(rows), "answerable": len(ans), "unanswerable": len(una)}
    for key in ("correct", "fact_recall", "cited_gold"):
        s[key] = M.mean(_values(ans, key))
    for k in HIT_KS:
        s[f"hit@{k}"] = M.mean(_values(ans, f"hit@{k}"))
    s["mrr"] = M.mean(_values(ans, "mrr"))
    for key in ("citation_recall", "citation_precision", "faithfulness"):
        s[key] = M.mean(_values(allm, key))
    for key in VERIFIER_KEYS:  # only when the run was graded by the verifier too
        if any(key in m for m in allm):
            s[key] = M.mean(_values(allm, key))
    s["refusal_rate"] = M.mean(_values(una, "refused"))
    s["false_refusal_rate"] = M.mean(_values(ans, "refused"))
    s["latency_p50_ms"] = M.percentile(lat, 50) if lat else None
    s["latency_p95_ms"] = M.percentile(lat, 95) if lat else None
    s["errors"] = sum(1 for r in rows if r.get("error"))
    return s


def cell(key: str, value, latency_decimals: int = 0) -> str:
    """One table cell: "–" for a metric a column lacks, floats to 3 decimals (latencies in ms to
    `latency_decimals`), counts as they are."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{latency_decimals}f}" if key.startswith("latency") else f"{value:.3f}"
    return str(value)


def interval_cell(key: str, value, ci) -> str:
    """A cell with its 95% interval beside it, e.g. "0.726 [0.66, 0.79]" (latencies "812 [790, 840]");
    `ci` is (low, high) or None."""
    text = cell(key, value)
    if ci is None or ci[0] is None or value is None:
        return text
    lo, hi = (f"{x:.0f}" if key.startswith("latency") else f"{x:.2f}" for x in ci)
    return f"{text} [{lo}, {hi}]"


def summary_table(columns: Sequence[tuple[str, dict]], latency_decimals: int = 0,
                  intervals: dict | None = None) -> list[str]:
    """Markdown lines `| metric | name1 | name2 … |`, one column per (name, summary), one row per
    metric of the first summary; a metric a column lacks is "–". The terminal prints latencies in
    whole ms (the default), the report with 3 decimals. `intervals` ({key: (low, high)}, from
    evals.uncertainty) puts the first column's 95% intervals beside its values."""
    lines = ["| metric | " + " | ".join(name for name, _ in columns) + " |", "|---|" + "---|" * len(columns)]
    for k in columns[0][1]:
        first = (interval_cell(k, columns[0][1].get(k), intervals.get(k)) if intervals is not None
                 else cell(k, columns[0][1].get(k), latency_decimals))
        rest = [cell(k, s.get(k), latency_decimals) for _, s in columns[1:]]
        lines.append(f"| {k} | " + " | ".join([first, *rest]) + " |")
    return lines
