"""Run a question set through the assistant and score it: `mbo-assistant eval`.

RESULTS.jsonl: one line per question = the `ask --json` object + "id" (+ "error" when the
question could not be answered) + per-question metrics when scored. The terminal shows a
progress bar and a summary table. This module only orchestrates: answer, score, write, print.
Non-goals: the per-question metrics and the summary table (score.py, formulas in metrics.py),
reading and writing results files (results.py), the report (report.py), the gate (gate.py).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from assistant.answer.compose import as_dict
from ingest.errors import MboError
from evals.questions import kind
from evals.results import load_baseline, read_jsonl, write_jsonl
from evals.score import Supports, score_row, summarise, summary_table, verifier_supports
from evals.uncertainty import RESAMPLES, compare, comparison_lines, intervals


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


def evaluate(assistant, questions: Sequence[dict], mode: str | None = None, score: bool = True,
             supports: Supports | None = None, bar=None, judge=None) -> list[dict]:
    """Answer and score. `judge` (evals.judges) is the support judge for citation recall/precision
    and faithfulness; a judge with its own `faithfulness(claims, passages)` (ragas) computes that
    metric itself. Default: the agreement judge (evals/agreement.py), which the answer path does
    not use. The answer path's own check grades the same sentences as verifier_* metrics."""
    rows = answer_all(assistant, questions, mode, bar)
    if not score:
        return rows
    if supports is None and judge is None:
        from evals.agreement import AgreementJudge

        judge = AgreementJudge(assistant.retriever.index.embedder)
    supports = supports or judge.supports
    verifier = verifier_supports(getattr(assistant, "similarity", None))
    own_faithfulness = getattr(judge, "faithfulness", None)
    for row, q in zip(rows, questions):
        query = row.get("standalone_question") or q["question"]
        try:
            hits, _ = assistant.retriever.search(query, k=10)
            retrieved = [h.chunk.text for h in hits]
        except MboError:
            retrieved = []
        row["metrics"] = score_row(row, q, retrieved, supports, own_faithfulness, verifier)
        row["tags"] = q.get("tags", [])
        row["audience"] = q.get("audience", "")
        row.update(kind=kind(q), doc_id=q.get("doc_id", ""), facts=q.get("facts", []))  # for the report
    return rows


def main(args, settings) -> int:
    """The `eval` subcommand (wired in assistant/cli.py)."""
    from tqdm import tqdm

    from assistant.factory import build_assistant
    from evals.judges import DEFAULT_JUDGE, build_judge
    from evals.questions import load_questions

    questions = load_questions(Path(args.questions), score=not args.no_score)
    judge_name = getattr(args, "judge", None) or DEFAULT_JUDGE
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
    columns = [(mode or "value", summary)] + ([("baseline", summarise(baseline))] if baseline else [])
    ivs = intervals(rows, summary)
    print("\n".join(summary_table(columns, intervals={k: (v.ci_low, v.ci_high) for k, v in ivs.items()})))
    print(f"[low, high]: 95% bootstrap intervals over questions ({RESAMPLES} resamples)")
    old = read_jsonl(Path(args.compare)) if args.compare else None
    comparison = compare(rows, old) if old else None
    if comparison:
        print(f"against {args.compare}:\n" + "\n".join(comparison_lines(comparison)))
    if baseline:
        from evals.baseline import describe

        note = describe(baseline)
        print(f"baseline: {note}")
    if args.report:
        from evals.report import write_report

        from evals import record

        title = mode if judge_name == DEFAULT_JUDGE else f"{mode}, support judge {judge_name}"
        summary_json = record.build(ivs, mode, record.dataset(Path(args.questions), len(questions)), judge_name,
                                    comparison)
        paths = write_report(rows, summary, Path(args.report), mode=title, old=old, baseline=baseline,
                             baseline_note=note if baseline else "", intervals=ivs, comparison=comparison,
                             meta=summary_json)
        paths.append(record.write(summary_json, Path(args.report)))
        print("report: " + ", ".join(str(p) for p in paths))
    return 0
