"""Run a question set through the assistant and score it: `mbo-assistant eval`.

RESULTS.jsonl: one line per question = the `ask --json` object + "id" (+ "error" when the
question could not be answered) + per-question metrics when scored. The terminal shows a
progress bar and a summary table. Non-goals: the metric formulas (metrics.py), the report
(report.py), the gate (gate.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.compose import as_dict
from assistant.errors import MboError
from evals import metrics as M

Supports = Callable[[str, list[str]], bool]


def default_supports() -> Supports:
    from assistant.support import check

    return lambda claim, passages: check(claim, passages).supported


def answer_all(assistant, questions: Sequence[dict], mode: str | None, bar=None) -> list[dict]:
    """Answers only (the --no-score path held-out questions use)."""
    rows = []
    for q in questions:
        history = [tuple(t) for t in q.get("history", [])]
        try:
            ans = assistant.answer(q["question"], history, mode=mode)
            row = {"id": q["id"], **as_dict(ans)}
        except MboError as exc:
            row = {"id": q["id"], "question": q["question"], "answer": "", "answered": False,
                   "mode": mode or "", "citations": [], "timings_ms": {}, "error": str(exc)}
        if history:
            row["history"] = [list(t) for t in history]
        rows.append(row)
        if bar is not None:
            bar.update(1)
    return rows


def score_row(row: dict, q: dict, retrieved: list[str], supports: Supports) -> dict:
    """Per-question metrics for one answered row (see metrics.py for the formulas)."""
    cites = {c["n"]: c["text"] for c in row.get("citations", [])}
    m: dict = {"answerable": q["answerable"], "refused": not row.get("answered", False)}
    sents = [(s, [cites[c] for c in cs if c in cites])
             for s, cs in M.answer_sentences(row.get("answer", ""), len(cites))] if row.get("answered") else []
    if q["answerable"]:
        rank = M.gold_rank(retrieved, q["quote"]) if q.get("quote") else None
        m["gold_rank"] = rank
        m["mrr"] = M.reciprocal_rank(rank)
        for k in (1, 3, 5, 10):
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
        m["faithfulness"] = M.faithfulness([s for s, _ in sents], retrieved[:10], supports)
    return m


def summarise(rows: Sequence[dict]) -> dict:
    ans = [r["metrics"] for r in rows if r.get("metrics", {}).get("answerable")]
    una = [r["metrics"] for r in rows if "metrics" in r and not r["metrics"]["answerable"]]
    allm = [r["metrics"] for r in rows if "metrics" in r]
    lat = [r["timings_ms"]["total"] for r in rows if r.get("timings_ms", {}).get("total") is not None]
    s = {"questions": len(rows), "answerable": len(ans), "unanswerable": len(una),
         "correct": M.mean([float(m["correct"]) for m in ans]),
         "fact_recall": M.mean([m["fact_recall"] for m in ans]),
         "cited_gold": M.mean([float(m["cited_gold"]) for m in ans if m["cited_gold"] is not None])}
    for k in (1, 3, 5, 10):
        s[f"hit@{k}"] = M.mean([m[f"hit@{k}"] for m in ans if "gold_rank" in m])
    s["mrr"] = M.mean([m["mrr"] for m in ans])
    for key in ("citation_recall", "citation_precision", "faithfulness"):
        s[key] = M.mean([m.get(key) for m in allm])
    s["refusal_rate"] = M.mean([float(m["refused"]) for m in una])
    s["false_refusal_rate"] = M.mean([float(m["refused"]) for m in ans])
    s["latency_p50_ms"] = M.percentile(lat, 50)
    s["latency_p95_ms"] = M.percentile(lat, 95)
    s["errors"] = sum(1 for r in rows if r.get("error"))
    return s


def evaluate(assistant, questions: Sequence[dict], mode: str | None = None, score: bool = True,
             supports: Supports | None = None, bar=None) -> list[dict]:
    rows = answer_all(assistant, questions, mode, bar)
    if not score:
        return rows
    supports = supports or default_supports()
    for row, q in zip(rows, questions):
        query = row.get("standalone_question") or q["question"]
        try:
            hits, _ = assistant.retriever.search(query, k=10)
            retrieved = [h.chunk.text for h in hits]
        except MboError:
            retrieved = []
        row["metrics"] = score_row(row, q, retrieved, supports)
        row["tags"] = q.get("tags", [])
        row["audience"] = q.get("audience", "")
    return rows


def table(summary: dict, title: str = "") -> str:
    """The summary as a Markdown table."""
    lines = [f"| metric | {title or 'value'} |", "|---|---|"]
    for k, v in summary.items():
        if isinstance(v, float):
            v = f"{v:.0f}" if k.startswith("latency") else f"{v:.3f}"
        lines.append(f"| {k} | {'–' if v is None else v} |")
    return "\n".join(lines)


def write_jsonl(rows: Sequence[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def main(args, settings) -> int:
    """The `eval` subcommand (wired in assistant/cli.py)."""
    from tqdm import tqdm

    from assistant.factory import build_assistant
    from evals.questions import load_questions

    questions = load_questions(Path(args.questions), score=not args.no_score)
    assistant = build_assistant(settings)
    t0 = time.perf_counter()
    with tqdm(total=len(questions), unit="q", desc="answering", leave=False) as bar:
        rows = evaluate(assistant, questions, args.mode, score=not args.no_score, bar=bar)
    out = Path(args.out) if args.out else None
    if out:
        write_jsonl(rows, out)
    if args.no_score:
        print(f"answered {len(rows)} questions in {time.perf_counter() - t0:.0f} s"
              + (f"; results in {out}" if out else ""))
        return 0
    summary = summarise(rows)
    print(table(summary, args.mode or settings.answer_mode))
    if args.report:
        from evals.report import write_report

        old = read_jsonl(Path(args.compare)) if args.compare else None
        paths = write_report(rows, summary, Path(args.report), mode=args.mode or settings.answer_mode, old=old)
        print("report: " + ", ".join(str(p) for p in paths))
    return 0
