"""Evaluation report: Markdown + self-contained HTML (charts embedded as base64 PNG).

Contents: the summary table (beside an older run when --compare is given, and beside the
LangChain-tutorial baseline's results when --baseline is given, with a note of what that
baseline is and which of its metrics exist), per-metric bars by tag and by audience, a latency
histogram, the failing questions with answer, citations and what failed, and the per-question
diff against the older run. Non-goals: computing metrics (score.py, metrics.py); the summary
table's layout is score.summary_table, shared with the terminal.
"""

from __future__ import annotations

import base64
import html
import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from evals import metrics as M
from evals.score import cell, summarise, summary_table

_BAR_METRICS = ("correct", "fact_recall", "cited_gold", "refused")


def _groups(rows: Sequence[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        values = r.get(key) or ["(none)"]
        for v in values if isinstance(values, list) else [values]:
            out[v].append(r)
    return dict(sorted(out.items()))


def _group_table(rows: Sequence[dict], key: str) -> list[tuple[str, int, dict]]:
    table = []
    for name, rs in _groups(rows, key).items():
        ms = [r["metrics"] for r in rs if "metrics" in r]
        vals = {}
        for m in _BAR_METRICS:
            xs = [float(x[m]) for x in ms if x.get(m) is not None]
            vals[m] = sum(xs) / len(xs) if xs else None
        table.append((name, len(rs), vals))
    return table


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


def charts(rows: Sequence[dict]) -> dict[str, str]:
    """{"by_tag": png b64, "by_audience": …, "latency": …}; {} when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return {}
    out = {}
    for key in ("tags", "audience"):
        groups = _group_table(rows, key)
        fig, ax = plt.subplots(figsize=(max(6, 0.55 * len(groups) * 2), 3.2))
        width = 0.8 / len(_BAR_METRICS)
        for i, m in enumerate(_BAR_METRICS):
            ax.bar([g + i * width for g in range(len(groups))],
                   [(v[m] or 0) for _, _, v in groups], width, label=m)
        ax.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))])
        ax.set_xticklabels([f"{n} ({c})" for n, c, _ in groups], rotation=45, ha="right", fontsize=8)
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7, ncol=len(_BAR_METRICS))
        ax.set_title(f"metrics by {key}")
        out[f"by_{key}"] = _png(fig)
        plt.close(fig)
    lat = [r["timings_ms"]["total"] for r in rows if r.get("timings_ms", {}).get("total") is not None]
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.hist(lat, bins=30)
    ax.set_xlabel("end-to-end latency (ms)")
    ax.set_title(f"latency: p50 {M.percentile(lat, 50):.0f} ms, p95 {M.percentile(lat, 95):.0f} ms")
    out["latency"] = _png(fig)
    plt.close(fig)
    return out


def failures(rows: Sequence[dict]) -> list[tuple[dict, str]]:
    """(row, what failed) for answerable questions not correct and unanswerable ones answered."""
    out = []
    for r in rows:
        m = r.get("metrics")
        if not m:
            continue
        if m["answerable"] and not m.get("correct"):
            why = []
            if m["refused"]:
                why.append("refused")
            missed = [i for i, ok in enumerate(m.get("fact_hits", [])) if not ok]
            if missed:
                why.append(f"missing fact(s) #{', #'.join(str(i + 1) for i in missed)}")
            if m.get("cited_gold") is False:
                why.append(f"gold passage not cited (retrieval rank {m.get('gold_rank')})")
            out.append((r, "; ".join(why) or "incorrect"))
        elif not m["answerable"] and not m["refused"]:
            out.append((r, "answered an unanswerable question"))
    return out


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


def write_report(rows: Sequence[dict], summary: dict, folder: Path, mode: str = "",
                 old: Sequence[dict] | None = None, baseline: Sequence[dict] | None = None,
                 baseline_note: str = "") -> list[Path]:
    """report.md + report.html in `folder`. `baseline`: rows of evals.baseline (same shape as
    these rows), summarised into a "baseline" column and described by `baseline_note`."""
    folder.mkdir(parents=True, exist_ok=True)
    old_summary = summarise(old) if old else None
    baseline_summary = summarise(baseline) if baseline else None
    columns = [("this run", summary)] + [(name, s) for name, s in (("previous", old_summary),
                                                                     ("baseline", baseline_summary)) if s is not None]
    md = [f"# Evaluation report ({mode})", "", *summary_table(columns, latency_decimals=3)]
    if baseline_summary is not None:
        md += ["", f"Baseline: {baseline_note or 'see evals/baseline.py.'} A metric it does not have is shown as –."]
    for key in ("tags", "audience"):
        md += ["", f"## By {key}", "", "| group | n | " + " | ".join(_BAR_METRICS) + " |",
               "|---|---|" + "---|" * len(_BAR_METRICS)]
        for name, n, vals in _group_table(rows, key):
            md.append(f"| {name} | {n} | " + " | ".join(cell(m, vals[m]) for m in _BAR_METRICS) + " |")
    fails = failures(rows)
    md += ["", f"## Failing questions ({len(fails)})", ""]
    for r, why in fails:
        md += [f"### {r['id']}: {r['question']}", f"- **failed:** {why}", f"- **answer:** {r.get('answer', '')}"]
        for c in r.get("citations", []):
            md.append(f"- [{c['n']}] {c['title']} · {c.get('section', '')}: {c['text'][:200]}…")
        md.append("")
    if old:
        changes = diff(rows, old)
        md += [f"## Changes against the previous run ({len(changes)})", "", "| id | before | now |", "|---|---|---|"]
        md += [f"| {i} | {a} | {b} |" for i, a, b in changes]
    md_path = folder / "report.md"
    md_path.write_text("\n".join(md) + "\n", encoding="utf-8")
    imgs = charts(rows)
    body = _md_to_html(md)
    figs = "".join(f'<h2>{html.escape(k)}</h2><img alt="{k}" src="data:image/png;base64,{v}">' for k, v in imgs.items())
    page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>mbo-assistant eval ({html.escape(mode)})</title>"
            "<style>body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}img{max-width:100%}</style>"
            f"<body>{figs}{body}</body></html>")
    html_path = folder / "report.html"
    html_path.write_text(page, encoding="utf-8")
    return [md_path, html_path]


def _md_to_html(lines: list[str]) -> str:
    """Just enough Markdown for this report: headings, tables, bullets, paragraphs."""
    out, in_table = [], False
    for line in lines:
        if line.startswith("|"):
            cells = [html.escape(c.strip()) for c in line.strip("|").split("|")]
            if set("".join(cells)) <= set("-"):
                continue
            if not in_table:
                out.append("<table>")
                in_table = True
            out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif line.startswith("- "):
            out.append(f"<p>• {html.escape(line[2:]).replace('**', '')}</p>")
        elif line:
            out.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        out.append("</table>")
    return "\n".join(out)
