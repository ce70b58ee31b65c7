"""Retrieval tuning by measurement: hit@1/3/5/10 and MRR of the gold passage on the dev set
for RRF k, candidate depth and dense-only / lexical-only variants, over an existing index
(MBO_DATA_DIR). Usage: python benchmarks/retrieval_sweep.py
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    from assistant.answer import retrieve
    from assistant.factory import build_index
    from assistant.answer.followup import standalone
    from assistant.answer.retrieve import HybridRetriever
    from ingest.settings import load_settings
    from evals import metrics as M
    from evals.questions import load_questions

    s = load_settings()
    index = build_index(s)
    qs = [q for q in load_questions(REPO / "evals/questions/dev.jsonl") if q["answerable"] and q.get("quote")]
    queries = [standalone(q["question"], [tuple(t) for t in q.get("history", [])]) for q in qs]
    real_rrf = retrieve.rrf
    configs = [("hybrid rrf_k=60 depth 30", dict(rrf_k=60), None), ("hybrid rrf_k=10", dict(rrf_k=10), None),
               ("hybrid rrf_k=30", dict(rrf_k=30), None), ("hybrid rrf_k=100", dict(rrf_k=100), None),
               ("hybrid depth 10", dict(dense_k=10, lexical_k=10), None),
               ("hybrid depth 50", dict(dense_k=50, lexical_k=50), None),
               ("dense x2 weight", dict(), [2.0, 1.0]), ("lexical x2 weight", dict(), [1.0, 2.0]),
               ("dense only", dict(), [1.0, 0.0]), ("lexical only", dict(), [0.0, 1.0])]
    print("| config | hit@1 | hit@3 | hit@5 | hit@10 | MRR |\n|---|---|---|---|---|---|")
    for name, kw, weights in configs:
        retrieve.rrf = (lambda rankings, k=60, w=None, weights=weights: real_rrf(rankings, k, weights)) if weights \
            else real_rrf
        r = HybridRetriever(index=index, **{"k": 10, **kw})
        ranks = [M.gold_rank([h.chunk.text for h in r.search(q, k=10)[0]], qq["quote"]) for q, qq in zip(queries, qs)]
        hit = {k: sum(M.hit_at(x, k) for x in ranks) / len(ranks) for k in (1, 3, 5, 10)}
        mrr = sum(M.reciprocal_rank(x) for x in ranks) / len(ranks)
        print(f"| {name} | {hit[1]:.3f} | {hit[3]:.3f} | {hit[5]:.3f} | {hit[10]:.3f} | {mrr:.3f} |", flush=True)
    retrieve.rrf = real_rrf


if __name__ == "__main__":
    main()
