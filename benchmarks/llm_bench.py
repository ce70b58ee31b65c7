"""Benchmark of `llm` mode through the real chain and model server, beside extractive mode.

For the first N dev questions: time to first token and total time per answer (p50/p95), how many
llm answers fell back to extractive, and key-fact recall of both modes, so speed and quality are
read side by side. The model runs in its own server process (assistant.models.server), exactly as
the app and the CLI use it.

    .venv/bin/python benchmarks/llm_bench.py                       # 1.5B, 40 questions
    .venv/bin/python benchmarks/llm_bench.py --model qwen2.5-coder-0.5b-instruct-q4 --n 20

Prints numbers and writes the rows to benchmarks/llm_results.json; no assertions.
Non-goal: the full evaluation (`mbo-assistant eval --mode llm` does that).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from common import REPO  # noqa: F401 - puts the project on sys.path

from evals.metrics import fact_hits, mean, percentile


def _row(answer, q: dict, wall_s: float) -> dict:
    t = answer.timings
    facts = q.get("facts") or []
    hits = fact_hits(answer.text, facts) if facts else []
    return {"id": q["id"], "mode": answer.mode, "fallback": any("extractief" in n for n in answer.notes), "wall_s": round(wall_s, 2),
            "first_token_s": round(t.get("first_token", t["total"]) / 1000, 2), "total_s": round(t["total"] / 1000, 2),
            "key_facts": (sum(hits) / len(hits)) if hits else None, "answer": answer.text}


def _print(label: str, rows: list[dict]) -> None:
    first, total = [r["first_token_s"] for r in rows], [r["total_s"] for r in rows]
    kf = mean([r["key_facts"] for r in rows])
    print(f"{label}: first token p50 {percentile(first, 50):.1f} s, p95 {percentile(first, 95):.1f} s; "
          f"total p50 {percentile(total, 50):.1f} s, p95 {percentile(total, 95):.1f} s; "
          f"fallbacks {sum(r['fallback'] for r in rows)}/{len(rows)}; key facts "
          + ("n/a" if kf is None else f"{kf:.3f}"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None, help="MBO_LLM_MODEL name or GGUF path (default: settings)")
    ap.add_argument("--n", type=int, default=40, help="first N answerable dev questions")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("llm_results.json"))
    args = ap.parse_args()
    from assistant.factory import build_assistant
    from ingest.settings import Settings
    from evals.questions import load_questions
    from tqdm import tqdm

    overrides = {"llm_backend": "local"} | ({"llm_model": args.model} if args.model else {})
    settings = Settings(**overrides)
    qs = [q for q in load_questions(REPO / "evals/questions/dev.jsonl") if q.get("answerable")][:args.n]
    assistant = build_assistant(settings)
    t = time.perf_counter()
    assistant.model_server.ensure(settings.llm_start_timeout_s)
    print(f"model server for {settings.llm_model} ready in {time.perf_counter() - t:.1f} s")
    results: dict[str, list[dict]] = {"extractive": [], "llm": []}
    for mode in results:
        for q in tqdm(qs, desc=mode, unit="q"):
            t = time.perf_counter()
            a = assistant.answer(q["question"], mode=mode, audience="student" if q.get("audience") == "student" else "professional")
            results[mode].append(_row(a, q, time.perf_counter() - t))
    print(f"{len(qs)} dev questions, model {settings.llm_model}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    for mode, rows in results.items():
        _print(mode, rows)
    args.out.write_text(json.dumps({"model": settings.llm_model, "rows": results}, ensure_ascii=False, indent=1))
    assistant.model_server.stop()


if __name__ == "__main__":
    main()
