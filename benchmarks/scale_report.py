"""Report of benchmarks/scale.py: the markdown table (benchmarks/scale_results.md, with a
column for 10x the largest size, extrapolated by a power law through the two largest sizes) and the plot
(benchmarks/scale.png). Non-goals: measuring (scale.py).
"""

from __future__ import annotations

import math

from common import HERE


def _extrapolate(xs: list[float], ys: list[float], x: float) -> float:
    """Power law through the last two points (log-log line)."""
    (x0, y0), (x1, y1) = (xs[-2], max(ys[-2], 1e-9)), (xs[-1], max(ys[-1], 1e-9))
    k = math.log(y1 / y0) / math.log(x1 / x0)
    return y1 * (x / x1) ** k


def report(emb: dict, rows: dict, sizes: list[int]) -> None:
    """Markdown table and PNG; 10x the largest size extrapolated (power law through the two largest)."""
    per_chunk_sent = emb["sentences"] / emb["chunks"]
    cols = [  # (label, function of (build, query) -> value, format)
        ("chunks", lambda b, q: b["chunks"], "{:.0f}"),
        ("index on disk (MB)", lambda b, q: q["disk_mb"], "{:.1f}"),
        ("load+clean+chunk (chunks/s)", lambda b, q: b["prep_rate"], "{:.0f}"),
        ("Chroma write (chunks/s)", lambda b, q: b["write_rate"], "{:.0f}"),
        ("BM25 rebuild, cold: no terms cached (s)", lambda b, q: b["bm25_s"], "{:.2f}"),
        ("  read ids+metadata / fetch+analyse texts / index / save (s)", lambda b, q: (
            b["bm25_read_s"], b["bm25_s"] - b["bm25_read_s"] - b["bm25_index_s"] - b["bm25_save_s"],
            b["bm25_index_s"], b["bm25_save_s"]), "{:.2f} / {:.2f} / {:.2f} / {:.2f}"),
        ("BM25 rebuild, warm: terms cached (s)", lambda b, q: b.get("bm25_warm_s", float("nan")), "{:.2f}"),
        ("all ids via _get (s)", lambda b, q: b["get_all_ids_s"], "{:.2f}"),
        ("re-ingest unchanged (s)", lambda b, q: q["reingest_s"], "{:.1f}"),
        ("add 1 document, e5: ingest total (s)", lambda b, q: q["add_s"], "{:.1f}"),
        ("  of which embed+write / BM25 rebuild / rest (s)", lambda b, q: (
            q["add_sync_s"], q["add_bm25_s"], q["add_rest_s"]), "{:.1f} / {:.1f} / {:.1f}"),
        ("  BM25 share of that ingest", lambda b, q: 100 * q["add_bm25_s"] / q["add_s"], "{:.0f} %"),
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
    head = "| | " + " | ".join(f"{n}x (measured)" for n in sizes) + f" | {sizes[-1] * 10}x (extrapolated) |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for label, fn, fmt in cols:
        vals = [fn(rows[n]["build"], rows[n]["query"]) for n in sizes]
        cells = [fmt.format(*v) if isinstance(v, tuple) else fmt.format(v) for v in vals]
        if label.startswith(("load avg", "  BM25 share")) or len(sizes) < 2:
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
        f"The {sizes[-1] * 10}x column is a power law through the two largest sizes, not a measurement. "
        "'add 1 document' is a real incremental ingest with e5 (a further copy of the smallest document: "
        f"{rows[sizes[0]]['query']['add_embedded']} chunks embedded; its sentences other than the marker are "
        "already in the sentence cache, so the sentence phase is near zero).", "",
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
