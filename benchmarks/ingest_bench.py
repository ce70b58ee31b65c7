"""Benchmark: ingest throughput vs the raw model encode rate, re-ingest time, retrieve and
extractive-answer latency, peak memory. Prints numbers; no assertions (targets live here, not
in timed tests). Usage: python benchmarks/ingest_bench.py [--questions N]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

from common import raw_encode_rate  # noqa: E402 (benchmarks/ is on sys.path when run as a script)
from evals.metrics import percentile  # noqa: E402



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=100)
    args = ap.parse_args()
    from assistant.factory import build_assistant, build_index
    from assistant.settings import Settings
    from ingest.embed import E5Embeddings
    from ingest.pipeline import ingest

    data = Path(tempfile.mkdtemp(prefix="mbo-bench-"))
    settings = Settings(data_dir=data)
    emb = E5Embeddings.from_settings(settings)
    emb.encode_passages(["opwarmen"])  # load the model outside the timings

    # raw encode rate: the same texts the index embeds, straight through the model
    _, raw = raw_encode_rate(settings.corpus_dir, settings, emb)

    index = build_index(settings, emb)
    t = time.perf_counter()
    rep = ingest([settings.corpus_dir], settings, index, sentences=False)
    chunk_secs = time.perf_counter() - t
    t = time.perf_counter()
    ingest([settings.corpus_dir], settings, index)
    sent_secs = time.perf_counter() - t
    t = time.perf_counter()
    again = ingest([settings.corpus_dir], settings, build_index(settings, emb))
    re_secs = time.perf_counter() - t

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
    print(f"chunks {rep.chunks} | raw encode {raw:.1f} chunks/s | ingest (chunks) {rep.chunks / chunk_secs:.1f} "
          f"chunks/s = {rep.chunks / chunk_secs / raw:.2f} x raw ({chunk_secs:.1f} s) | sentence vectors "
          f"{sent_secs:.1f} s | re-ingest unchanged {re_secs:.2f} s (embedded {again.embedded})")
    print(f"retrieve p50 {statistics.median(ret):.0f} ms p95 {percentile(ret, 95):.0f} ms | extractive answer "
          f"p50 {statistics.median(ans):.0f} ms p95 {percentile(ans, 95):.0f} ms over {len(questions)} questions | "
          f"peak RSS {rss:.0f} MB | load average {__import__('os').getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
