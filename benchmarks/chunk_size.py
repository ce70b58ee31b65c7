"""Chunk-size choice by measurement: retrieval hit@1/3/5/10 and MRR of the gold passage on the
dev set's answerable questions, for several MBO_CHUNK_SIZE values (fresh index per size).
Usage: python benchmarks/chunk_size.py [--sizes 500 900 1300]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 900, 1300])
    args = ap.parse_args()
    from assistant.factory import build_index, build_retriever
    from assistant.answer.followup import standalone
    from ingest.settings import Settings
    from evals import metrics as M
    from evals.questions import load_questions
    from ingest.embed import E5Embeddings
    from ingest.pipeline import ingest

    qs = [q for q in load_questions(REPO / "evals/questions/dev.jsonl") if q["answerable"] and q.get("quote")]
    emb = None
    print("| chunk size | chunks | hit@1 | hit@3 | hit@5 | hit@10 | MRR | ingest s |")
    print("|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        s = Settings(data_dir=Path(tempfile.mkdtemp(prefix=f"mbo-cs{size}-")), chunk_size=size,
                     chunk_min=max(100, size // 4))
        emb = emb or E5Embeddings.from_settings(s)
        t = time.perf_counter()
        rep = ingest([s.corpus_dir], s, build_index(s, emb), sentences=False)
        secs = time.perf_counter() - t
        r = build_retriever(s, build_index(s, emb))
        ranks = []
        for q in qs:
            hits, _ = r.search(standalone(q["question"], [tuple(t) for t in q.get("history", [])]), k=10)
            ranks.append(M.gold_rank([h.chunk.text for h in hits], q["quote"]))
        hit = {k: sum(M.hit_at(x, k) for x in ranks) / len(ranks) for k in (1, 3, 5, 10)}
        mrr = sum(M.reciprocal_rank(x) for x in ranks) / len(ranks)
        print(f"| {size} | {rep.chunks} | {hit[1]:.3f} | {hit[3]:.3f} | {hit[5]:.3f} | {hit[10]:.3f} | {mrr:.3f} | {secs:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
