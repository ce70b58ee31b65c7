"""Benchmark `ask`: cold (first question in a new process, model loading included) and warm
p50/p95 per mode over dev questions. Prints numbers; no assertions.
Usage: MBO_DATA_DIR=… python benchmarks/ask_bench.py [--n 50] [--llm-n 5]
(llm mode runs only when MBO_LLM_BACKEND is set).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

from evals.metrics import percentile  # noqa: E402



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--llm-n", type=int, default=5)
    args = ap.parse_args()
    qs = [json.loads(x)["question"] for x in (REPO / "evals/questions/dev.jsonl").read_text("utf-8").splitlines() if x]
    exe = str(Path(sys.executable).with_name("mbo-assistant"))
    modes = ["extractive"] + (["llm"] if os.environ.get("MBO_LLM_BACKEND", "none") != "none" else [])
    for mode in modes:
        t = time.perf_counter()
        subprocess.run([exe, "ask", qs[0], "--mode", mode, "--json"], check=True, capture_output=True)
        print(f"{mode}: cold first question (new process, models loaded) {time.perf_counter() - t:.1f} s")
    from assistant.factory import build_assistant
    from ingest.settings import load_settings

    a = build_assistant(load_settings())
    for mode in modes:
        n = args.n if mode == "extractive" else args.llm_n
        a.answer(qs[1], mode=mode)  # warm up
        times = []
        for q in qs[2:2 + n]:
            t = time.perf_counter()
            a.answer(q, mode=mode)
            times.append((time.perf_counter() - t) * 1000)
        print(f"{mode}: warm p50 {statistics.median(times):.0f} ms, p95 {percentile(times, 95):.0f} ms over {len(times)} "
              f"questions (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
