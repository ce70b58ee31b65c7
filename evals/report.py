"""Evaluation report: report.md and a self-contained report.html for people.

report.md: the summary table (beside an older run when --compare is given, and beside the
LangChain-tutorial baseline's results when --baseline is given, with a note of what that baseline
is and which of its metrics exist), the 95% intervals, per-metric tables by tag, audience, question
kind and document, the failing questions with answer, citations and what failed, the paired
comparison and the per-question diff against the older run.
report.html is rendered from the jinja2 template evals/templates/report.html (findings.py works out
what it shows): title, dataset, mode, commit and date first; headline cards with intervals; bars;
the failing-questions table; latency with the cold start apart; the full summary table.
Non-goals: computing metrics or intervals (score.py, metrics.py, uncertainty.py); the summary
table's layout is score.summary_table, shared with the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evals.findings import BAR_METRICS, bars, diff, failures, group_table, latency, reasons
from evals.score import cell, summarise, summary_table
from evals.uncertainty import Comparison, Interval, comparison_lines

LABELS = {
    "questions": "Questions", "answerable": "Answerable questions", "unanswerable": "Unanswerable questions",
    "correct": "Correct answers", "fact_recall": "Key facts found", "cited_gold": "Gold passage cited",
    "hit@1": "Gold passage retrieved first", "hit@3": "Gold passage in top 3", "hit@4": "Gold passage in top 4",
    "hit@5": "Gold passage in top 5", "hit@10": "Gold passage in top 10", "mrr": "Mean reciprocal rank of the gold passage",
    "citation_recall": "Citation recall", "citation_precision": "Citation precision", "faithfulness": "Faithfulness",
    "refusal_rate": "Unanswerable questions refused", "false_refusal_rate": "Answerable questions refused",
    "latency_p50_ms": "Latency, median (ms)", "latency_p95_ms": "Latency, 95th percentile (ms)", "errors": "Errors",
}
# the headline cards: (summary key, label, lower is better)
CARDS = (("fact_recall", "Key facts found", False), ("cited_gold", "Gold passage cited", False),
         ("correct", "Correct answers", False), ("refusal_rate", "Unanswerable refused", False),
         ("false_refusal_rate", "False refusals", True), ("faithfulness", "Faithfulness", False))


def label(key: str) -> str:
    """A summary key in words (an unknown key with its underscores as spaces)."""
    return LABELS.get(key, key.replace("_", " ").capitalize())

def write_report(rows: Sequence[dict], summary: dict, folder: Path, mode: str = "",
                 old: Sequence[dict] | None = None, baseline: Sequence[dict] | None = None,
                 baseline_note: str = "", intervals: dict[str, Interval] | None = None,
                 comparison: Comparison | None = None, meta: dict | None = None) -> list[Path]:
    """report.md + report.html in `folder`. `baseline`: rows of evals.baseline (same shape as
    these rows), summarised into a "baseline" column and described by `baseline_note`.
    `intervals` (uncertainty.intervals), `comparison` (uncertainty.compare against `old`) and
    `meta` (record.build: dataset, commit, date) are shown when given."""
    folder.mkdir(parents=True, exist_ok=True)
    old_summary = summarise(old) if old else None
    baseline_summary = summarise(baseline) if baseline else None
    md_path = folder / "report.md"
    md_path.write_text("\n".join(markdown(rows, summary, mode, old, old_summary, baseline_summary, baseline_note,
                                          intervals, comparison, meta)) + "\n", encoding="utf-8")
    html_path = folder / "report.html"
    html_path.write_text(render(rows, summary, mode, old, old_summary, baseline_summary, baseline_note,
                                intervals, comparison, meta), encoding="utf-8")
    return [md_path, html_path]


def markdown(rows, summary, mode, old, old_summary, baseline_summary, baseline_note, intervals, comparison,
             meta) -> list[str]:
    columns = [("this run", summary)] + [(name, s) for name, s in (("previous", old_summary),
                                                                     ("baseline", baseline_summary)) if s is not None]
    md = [f"# Evaluation report ({mode})", ""]
    if meta:
        data = meta.get("dataset", {})
        md += [f"Dataset {data.get('file', '')} ({data.get('questions', '')} questions, sha256 "
               f"{data.get('sha256', '')[:12]}), commit {meta.get('commit') or '–'}, {meta.get('date', '')}", ""]
    md += summary_table(columns, latency_decimals=3)
    if baseline_summary is not None:
        md += ["", f"Baseline: {baseline_note or 'see evals/baseline.py.'} A metric it does not have is shown as –."]
    if intervals:
        md += ["", "## 95% intervals (bootstrap over questions)", "", "| metric | value | low | high | n |",
               "|---|---|---|---|---|"]
        md += [f"| {k} | {cell(k, iv.value, 3)} | {cell(k, iv.ci_low, 3)} | {cell(k, iv.ci_high, 3)} | {iv.n} |"
               for k, iv in intervals.items() if iv.ci_low is not None]
    for key in ("tags", "audience", "kind", "doc_id"):
        md += ["", f"## By {key}", "", "| group | n | " + " | ".join(BAR_METRICS) + " |",
               "|---|---|" + "---|" * len(BAR_METRICS)]
        for name, n, vals in group_table(rows, key):
            md.append(f"| {name} | {n} | " + " | ".join(cell(m, vals[m]) for m in BAR_METRICS) + " |")
    fails = failures(rows)
    md += ["", f"## Failing questions ({len(fails)})", ""]
    for r, why in fails:
        md += [f"### {r['id']}: {r['question']}", f"- **failed:** {why}", f"- **answer:** {r.get('answer', '')}"]
        if r.get("facts"):
            md.append("- **expected facts:** " + "; ".join(" / ".join(alts) for alts in r["facts"]))
        for c in r.get("citations", []):
            md.append(f"- [{c['n']}] {c['title']} · {c.get('section', '')}: {c['text'][:200]}…")
        md.append("")
    if comparison is not None:
        md += ["## Paired comparison with the previous run", "", *[f"- {ln.strip()}" for ln in comparison_lines(comparison)], ""]
    if old:
        changes = diff(rows, old)
        md += [f"## Changes against the previous run ({len(changes)})", "", "| id | before | now |", "|---|---|---|"]
        md += [f"| {i} | {a} | {b} |" for i, a, b in changes]
    return md


# ------------------------------------------------------------------ report.html
def _num(key: str, value) -> str:
    return cell(key, value) if value is not None else "–"


def _cards(summary: dict, intervals: dict | None, old_summary: dict | None, baseline_summary: dict | None) -> list[dict]:
    out = []
    for key, name, lower_better in CARDS:
        if key not in summary:
            continue
        iv = (intervals or {}).get(key)
        value, prev = summary.get(key), (old_summary or {}).get(key)
        change = None if value is None or prev is None else value - prev
        out.append({"key": key, "label": name, "value": _num(key, value), "lower_better": lower_better,
                    "ci": f"[{iv.ci_low:.2f}, {iv.ci_high:.2f}]" if iv and iv.ci_low is not None else "",
                    "n": iv.n if iv else None,
                    "baseline": _num(key, baseline_summary.get(key)) if baseline_summary else None,
                    "previous": _num(key, prev) if old_summary else None,
                    "change": "" if change is None else f"{change:+.3f}",
                    "better": None if not change else (change < 0) == lower_better})
    return out


def _charts(rows: Sequence[dict]) -> list[dict]:
    specs = (("kind", "By question kind", 1), ("audience", "By audience", 1),
             ("doc_id", "By source document (answerable questions)", 1), ("tags", "By tag (tags with at least 3 questions)", 3))
    out = []
    for key, title, min_n in specs:
        rs = [r for r in rows if r.get("metrics", {}).get("answerable")] if key == "doc_id" else rows
        bs, left_out = bars(rs, key, min_n)
        if bs:
            note = f"{left_out} tag(s) with fewer than {min_n} questions not shown." if left_out and min_n > 1 else ""
            out.append({"key": key, "title": title, "bars": bs, "note": note})
    return out


def _failing(rows: Sequence[dict]) -> list[dict]:
    out = []
    for r in rows:
        why = reasons(r["metrics"]) if r.get("metrics") else []
        if not why:
            continue
        out.append({"id": r["id"], "question": r.get("question", ""), "answer": r.get("answer", ""),
                    "facts": [" / ".join(alts) for alts in r.get("facts") or []],
                    "citations": r.get("citations", []), "reasons": [{"code": c, "detail": d} for c, d in why]})
    return out


def _table(summary, intervals, old_summary, baseline_summary) -> dict:
    heads = ["this run"] + (["previous"] if old_summary else []) + (["baseline"] if baseline_summary else [])
    body = []
    for key, value in summary.items():
        iv = (intervals or {}).get(key)
        ci = (f"{iv.ci_low:.0f} – {iv.ci_high:.0f}" if key.startswith("latency") else f"{iv.ci_low:.3f} – {iv.ci_high:.3f}") \
            if iv and iv.ci_low is not None else ""
        others = [cell(key, s.get(key)) for s in (old_summary, baseline_summary) if s]
        body.append({"key": key, "label": label(key), "cells": [cell(key, value), *others], "ci": ci,
                     "n": iv.n if iv and iv.ci_low is not None else ""})
    return {"heads": heads, "rows": body}


def render(rows, summary, mode, old, old_summary, baseline_summary, baseline_note, intervals, comparison,
           meta) -> str:
    """report.html: the jinja2 template evals/templates/report.html over what findings.py works out."""
    from importlib.resources import files

    import jinja2

    template = files("evals.templates").joinpath("report.html").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    meta = meta or {}
    return env.from_string(template).render(
        mode=mode, dataset={"file": "", "questions": None, "sha256": "", **(meta.get("dataset") or {})}, commit=meta.get("commit") or "", date=meta.get("date") or "",
        cards=_cards(summary, intervals, old_summary, baseline_summary), charts=_charts(rows),
        failing=_failing(rows), latency=latency(rows), table=_table(summary, intervals, old_summary, baseline_summary),
        baseline_note=baseline_note if baseline_summary else "", has_baseline=baseline_summary is not None,
        has_previous=old_summary is not None, comparison=comparison,
        comparison_lines=comparison_lines(comparison) if comparison else [],
        changes=diff(rows, old) if old else None)
