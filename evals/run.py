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

from assistant.answer.compose import as_dict
from ingest.errors import MboError
from evals import metrics as M

Supports = Callable[[str, list[str]], bool]
Faithfulness = Callable[[list[str], list[str], str], "float | None"]  # (sentences, retrieved passages, question)
HIT_KS = (1, 3, 4, 5, 10)  # hit@4 = the LangChain tutorial's top-4, for the baseline column


def default_supports() -> Supports:
    from assistant.answer.support import check

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


def score_row(row: dict, q: dict, retrieved: list[str], supports: Supports,
              faithfulness: Faithfulness | None = None) -> dict:
    """Per-question metrics for one answered row (see metrics.py for the formulas). `faithfulness`
    replaces metrics.faithfulness when the judge has its own (ragas)."""
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
    s["refusal_rate"] = M.mean(_values(una, "refused"))
    s["false_refusal_rate"] = M.mean(_values(ans, "refused"))
    s["latency_p50_ms"] = M.percentile(lat, 50) if lat else None
    s["latency_p95_ms"] = M.percentile(lat, 95) if lat else None
    s["errors"] = sum(1 for r in rows if r.get("error"))
    return s


def evaluate(assistant, questions: Sequence[dict], mode: str | None = None, score: bool = True,
             supports: Supports | None = None, bar=None, judge=None) -> list[dict]:
    """Answer and score. `judge` (evals.judges) is the support judge for citation recall/precision
    and faithfulness; a judge with its own `faithfulness(claims, passages)` (ragas) computes that
    metric itself. Default: the lexical judge (assistant.answer.support.check)."""
    rows = answer_all(assistant, questions, mode, bar)
    if not score:
        return rows
    supports = supports or (judge.supports if judge is not None else default_supports())
    own_faithfulness = getattr(judge, "faithfulness", None)
    for row, q in zip(rows, questions):
        query = row.get("standalone_question") or q["question"]
        try:
            hits, _ = assistant.retriever.search(query, k=10)
            retrieved = [h.chunk.text for h in hits]
        except MboError:
            retrieved = []
        row["metrics"] = score_row(row, q, retrieved, supports, own_faithfulness)
        row["tags"] = q.get("tags", [])
        row["audience"] = q.get("audience", "")
    return rows


def table(summary: dict, title: str = "", others: dict[str, dict] | None = None) -> str:
    """The summary as a Markdown table; `others` adds one column per name (e.g. the baseline)."""
    others = others or {}

    def fmt(k, v):
        if isinstance(v, float):
            return f"{v:.0f}" if k.startswith("latency") else f"{v:.3f}"
        return "–" if v is None else str(v)
    lines = ["| metric | " + " | ".join([title or "value", *others]) + " |", "|---|" + "---|" * (1 + len(others))]
    for k, v in summary.items():
        lines.append(f"| {k} | " + " | ".join([fmt(k, v), *(fmt(k, o.get(k)) for o in others.values())]) + " |")
    return "\n".join(lines)


def write_jsonl(rows: Sequence[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def load_baseline(path: Path, ids: Sequence[str]) -> list[dict]:
    """The rows of an evals.baseline results file that belong to this run's questions."""
    from ingest.errors import InputError

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


def main(args, settings) -> int:
    """The `eval` subcommand (wired in assistant/cli.py)."""
    from tqdm import tqdm

    from assistant.factory import build_assistant
    from evals.judges import build_judge
    from evals.questions import load_questions

    questions = load_questions(Path(args.questions), score=not args.no_score)
    judge_name = getattr(args, "judge", None) or "lexical"
    baseline_path = getattr(args, "baseline", None)
    baseline = load_baseline(Path(baseline_path), [q["id"] for q in questions]) if baseline_path else None
    assistant = build_assistant(settings)
    # built before answering, so a misconfigured judge fails in a second, not after the whole set
    judge = None if args.no_score else build_judge(judge_name, settings, embedder=assistant.retriever.index.embedder)
    t0 = time.perf_counter()
    with tqdm(total=len(questions), unit="q", desc="answering", leave=False) as bar:
        rows = evaluate(assistant, questions, args.mode, score=not args.no_score, bar=bar, judge=judge)
    out = Path(args.out) if args.out else None
    if out:
        write_jsonl(rows, out)
    if args.no_score:
        print(f"answered {len(rows)} questions in {time.perf_counter() - t0:.0f} s"
              + (f"; results in {out}" if out else ""))
        return 0
    summary = summarise(rows)
    mode = args.mode or settings.answer_mode
    print(table(summary, mode, {"baseline": summarise(baseline)} if baseline else None))
    if baseline:
        from evals.baseline import describe

        note = describe(baseline)
        print(f"baseline: {note}")
    if args.report:
        from evals.report import write_report

        old = read_jsonl(Path(args.compare)) if args.compare else None
        title = mode if judge_name == "lexical" else f"{mode}, support judge {judge_name}"
        paths = write_report(rows, summary, Path(args.report), mode=title, old=old, baseline=baseline,
                             baseline_note=note if baseline else "")
        print("report: " + ", ".join(str(p) for p in paths))
    return 0
