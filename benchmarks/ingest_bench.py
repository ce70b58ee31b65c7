"""Benchmark: model load time, ingest throughput vs the raw model encode rate, a full ingest from
scratch (chunks + BM25 + sentence vectors, one run as the CLI does it), re-ingest time (in-process
and as a new `mbo-assistant ingest` process), retrieve and extractive-answer latency, peak memory.
Prints numbers; no assertions (targets live here, not in timed tests).
Usage: python benchmarks/ingest_bench.py [--questions N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

from common import raw_encode_rate, timed  # noqa: E402 (benchmarks/ is on sys.path when run as a script)
from evals.metrics import percentile  # noqa: E402


def cold_cli_reingest(data: Path) -> tuple[float, str]:
    """Wall time of `mbo-assistant ingest` as a user runs it (new process: interpreter start,
    imports, reading the index) on the unchanged corpus in `data`; and what it reported."""
    script = Path(sys.executable).with_name("mbo-assistant")  # the [project.scripts] entry point
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]
    env = {**os.environ, "MBO_DATA_DIR": str(data)}
    t = time.perf_counter()
    proc = subprocess.run([*cmd, "ingest", "--quiet"], env=env, cwd=REPO, capture_output=True, text=True)
    secs = time.perf_counter() - t
    if proc.returncode != 0:
        return secs, f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"
    embedded = re.search(r"embedded (\d+)", proc.stdout)
    return secs, f"{Path(cmd[0]).name}, embedded {embedded.group(1) if embedded else '?'}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=100)
    args = ap.parse_args()
    from assistant.factory import build_assistant, build_index
    from ingest.settings import Settings
    from ingest.embed import E5Embeddings
    from ingest.index import Index
    from ingest.pipeline import ingest
    from ingest.sentences import SentenceVectors

    data = Path(tempfile.mkdtemp(prefix="mbo-bench-"))
    settings = Settings(data_dir=data)
    t = time.perf_counter()
    emb = E5Embeddings.from_settings(settings)
    emb._load()  # torch and sentence-transformers imports + weights (conversion cached)
    load_secs = time.perf_counter() - t
    emb.encode_passages(["opwarmen"])  # the first forward pass outside the timings

    # raw encode rate: the same texts the index embeds, straight through the model
    _, raw = raw_encode_rate(settings.corpus_dir, settings, emb)

    # one full ingest from scratch, as `mbo-assistant ingest` runs it; phases timed inside it
    spent: dict[str, float] = {}
    index = build_index(settings, emb)
    with timed(SentenceVectors, "fill", spent), timed(Index, "refresh_lexical", spent):
        t = time.perf_counter()
        rep = ingest([settings.corpus_dir], settings, index)
        full_secs = time.perf_counter() - t
    sent_secs = spent["fill"]
    chunk_secs = full_secs - sent_secs  # load, clean, chunk, embed, Chroma, BM25
    t = time.perf_counter()
    again = ingest([settings.corpus_dir], settings, build_index(settings, emb))
    re_secs = time.perf_counter() - t
    cold_secs, cold_note = cold_cli_reingest(data)
    questions = [json.loads(x)["question"] for x in
                 (REPO / "evals/questions/dev.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    questions = (questions * 2)[: args.questions]
    a = build_assistant(settings)
    a.answer(questions[0])
    ret, ans = [], []
    for q in questions:
        t = time.perf_counter()
        a.retriever.search(q)
        ret.append((time.perf_counter() - t) * 1000)
        a.retriever.index.embedder._query_cache.clear()  # measure the full path, not the cache
        t = time.perf_counter()
        a.answer(q)
        ans.append((time.perf_counter() - t) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model load {load_secs:.1f} s | chunks {rep.chunks} | raw encode {raw:.1f} chunks/s | ingest (chunks) "
          f"{rep.chunks / chunk_secs:.1f} chunks/s = {rep.chunks / chunk_secs / raw:.2f} x raw ({chunk_secs:.1f} s, "
          f"BM25 {spent['refresh_lexical']:.2f} s) | sentence vectors {sent_secs:.1f} s | "
          f"full ingest from scratch {full_secs:.1f} s")
    print(f"re-ingest unchanged: in-process {re_secs:.2f} s (embedded {again.embedded}) | cold CLI "
          f"{cold_secs:.2f} s (target < 3 s; {cold_note})")
    print(f"retrieve p50 {statistics.median(ret):.0f} ms p95 {percentile(ret, 95):.0f} ms | extractive answer "
          f"p50 {statistics.median(ans):.0f} ms p95 {percentile(ans, 95):.0f} ms over {len(questions)} questions | "
          f"peak RSS {rss:.0f} MB | load average {__import__('os').getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
