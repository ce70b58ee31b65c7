"""Benchmark: SIGKILL `mbo-assistant ingest` at random points, then check a clean ingest repairs it.

Each run copies the corpus (plus a few extra documents) into a temp folder, starts the real CLI
(`assistant.cli.main(["ingest", ...])`) in a child launched with `python -c`, with MBO_DATA_DIR
in a temp dir and the embedding model replaced by the hashed embedder of common.py (the e5 model would
make 20 runs take an hour; a small sleep per call keeps the phases long enough to hit), and
kills it with SIGKILL: at a uniformly random moment, or a random delay after the child reports
entering a phase (chunk embedding, BM25 rebuild, sentence vectors). A second child then reports
the state it finds and runs a clean ingest, and checks: no duplicate ids, every document present,
the chunk ids equal a reference run's, the lexical (BM25) ids equal the Chroma ids, no sentence
vector missing. Prints a table of runs and a summary; no assertions.

    .venv/bin/python benchmarks/kill_ingest.py [--runs 20] [--seed 7]

Non-goals: the real model's timing (see ingest_bench.py), server-mode Chroma, power loss
(SIGKILL leaves the OS page cache intact, so fsync ordering is not tested).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, HashEmbedder, child_command, wrap_method  # noqa: E402

PHASES = ("start", "chunks", "lexical", "sentences", "done")
EXTRA = {
    "extra-notitie.md": "# Testnotitie voor de kill-test\n\n" + "\n\n".join(
        f"## Deel {i}\n\n" + f"Dit is alinea {i} van een testdocument zonder beleidsinhoud. " * 12
        for i in range(1, 9)),
    "extra-pagina.html": "<html><body><main><h1>Testpagina</h1>" + "".join(
        f"<p>Regel {i}: een webpagina voor de kill-test, zonder beleidsinhoud.</p>" for i in range(60))
        + "</main></body></html>",
    "extra-lijst.txt": "Testlijst\n\n" + "\n".join(f"- punt {i} van een lijst zonder inhoud" for i in range(120)),
}


def mark(progress: Path | None, phase: str) -> None:
    if progress is not None:
        with open(progress, "a") as f:
            f.write(f"{phase} {time.time():.4f}\n")


def child(argv: list[str]) -> int:
    """In the child process: `ingest FOLDER` (the CLI, slowed), `reference FOLDER` (print the
    index's chunk ids and doc ids) or `repair FOLDER REF.json`."""
    sys.path.insert(0, str(REPO))
    import assistant.factory as factory
    from ingest.index import Index
    from ingest.sentences import SentenceVectors

    mode, folder = argv[0], Path(argv[1])
    progress = Path(os.environ["KILL_PROGRESS"]) if os.environ.get("KILL_PROGRESS") else None
    if mode == "ingest":
        emb = HashEmbedder(delay=0.01, per_text=0.0008)
        factory.build_embedder = lambda settings: emb
        for cls, name, phase in ((Index, "sync", "chunks"), (Index, "refresh_lexical", "lexical"),
                                 (SentenceVectors, "fill", "sentences")):
            wrap_method(cls, name, lambda call, phase=phase: (mark(progress, phase), call())[1])
        from assistant.cli import main

        mark(progress, "start")
        rc = main(["ingest", "--quiet", str(folder)])
        mark(progress, "done")
        return rc
    if mode == "reference":
        from ingest.settings import load_settings

        index = Index(load_settings(), HashEmbedder())
        print(json.dumps({"ids": sorted(index._get(include=[])["ids"]), "docs": sorted(index.documents())}))
        return 0
    return _repair(folder, json.loads(Path(argv[2]).read_text()))


def _state(settings, emb) -> dict:
    """What a fresh process finds in the data dir (before any repair)."""
    from ingest.index import Index
    from ingest.lexical import LexicalIndex, stamp_of

    try:
        index = Index(settings, emb)
        ids = index._get(include=[])["ids"]
    except Exception as exc:  # noqa: BLE001 - report whatever the store raises
        return {"error": f"{type(exc).__name__}: {exc}"[:120]}
    loaded = LexicalIndex.load(settings.lexical_dir)
    lex = "missing" if loaded is None else ("ok" if loaded[1] == stamp_of(ids) else "stale")
    sent = settings.data_dir / "sentences.sqlite"
    n_sent = 0
    if sent.exists():
        import sqlite3

        with sqlite3.connect(str(sent)) as db:
            n_sent = db.execute("SELECT count(*) FROM vec").fetchone()[0]
    return {"chunks": len(ids), "docs": len(index.documents()), "lexical": lex, "sentences": n_sent,
            "bm25_temp": len(list(settings.data_dir.glob(".bm25-*")))}


def _repair(folder: Path, ref: dict) -> int:
    from assistant.answer.extractive import sentences_of
    from ingest.settings import load_settings
    from ingest.index import Index
    from ingest.lexical import LexicalIndex
    from ingest.pipeline import ingest

    settings = load_settings()
    emb = HashEmbedder()
    before = _state(settings, emb)
    out = {"before": before}
    try:
        report = ingest([folder], settings, Index(settings, emb))
        index = Index(settings, emb)  # a fresh reader, as the app would be
        ids = index._get(include=[])["ids"]
        loaded = LexicalIndex.load(settings.lexical_dir)
        texts = [t for c in _chunks(index) for t, _, _ in sentences_of(c)]
        out.update(
            failed=len(report.failed), embedded=report.embedded,
            dup=len(ids) - len(set(ids)), count=len(ids), ids_equal=sorted(ids) == ref["ids"],
            docs_equal=sorted(index.documents()) == ref["docs"],
            lexical_equal=loaded is not None and sorted(loaded[0].ids) == sorted(ids)
            and sorted(index.lexical.ids) == sorted(ids),
            sentences_missing=len(index.sentences.missing(texts)),
            bm25_temp_left=len(list(settings.data_dir.glob(".bm25-*"))))  # cleared only when an hour old
    except Exception as exc:  # noqa: BLE001 - a repair that raises is the finding
        out["error"] = f"{type(exc).__name__}: {exc}"[:200]
    print(json.dumps(out))
    return 0


def _chunks(index):
    from ingest.index import from_metadata

    res = index._get(include=["documents", "metadatas"])
    return [from_metadata(i, t, m)[0] for i, t, m in zip(res["ids"], res["documents"], res["metadatas"])]


# ---------------------------------------------------------------------------------- parent
def _launch(mode: str, folder: Path, data: Path, progress: Path | None, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, MBO_DATA_DIR=str(data), ANONYMIZED_TELEMETRY="False",
               KILL_PROGRESS=str(progress) if progress else "")
    return subprocess.Popen(child_command("kill_ingest", mode, str(folder), *extra), env=env, cwd=str(REPO),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _marks(progress: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    if progress.exists():
        for line in progress.read_text().splitlines():
            name, _, t = line.partition(" ")
            out.setdefault(name, float(t))
    return out


def make_corpus(root: Path) -> Path:
    folder = root / "corpus"
    shutil.copytree(REPO / "corpus", folder)
    for name, text in EXTRA.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def reference(folder: Path, work: Path) -> tuple[dict, dict[str, float]]:
    """A run that is not killed: the chunk ids and doc ids every repaired index must have, and
    the moment each phase started (seconds after launch)."""
    data, progress = work / "ref-data", work / "ref-progress"
    t0 = time.time()
    proc = _launch("ingest", folder, data, progress)
    out, err = proc.communicate(timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"reference ingest failed ({proc.returncode}): {err[-2000:]}")
    ids = _launch("reference", folder, data, None)
    out, err = ids.communicate(timeout=600)
    if ids.returncode != 0:
        raise SystemExit(f"reading the reference index failed ({ids.returncode}): {err[-2000:]}")
    ref = json.loads(out.strip().splitlines()[-1])
    return ref, {k: v - t0 for k, v in _marks(progress).items()}


def one_run(n: int, target: str, delay: float, folder: Path, work: Path, ref_file: Path) -> dict:
    data, progress = work / f"data-{n}", work / f"progress-{n}"
    t0 = time.time()
    proc = _launch("ingest", folder, data, progress)
    start = t0
    if target != "random":
        while target not in _marks(progress) and proc.poll() is None:
            time.sleep(0.005)
        start = _marks(progress).get(target, time.time())
    while time.time() < start + delay and proc.poll() is None:
        time.sleep(0.002)
    killed_at = time.time() - t0
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)
    proc.communicate()
    reached = [p for p in PHASES if p in _marks(progress)]
    rep = _launch("repair", folder, data, None, str(ref_file))
    out, err = rep.communicate(timeout=600)
    try:
        res = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        res = {"error": f"repair child crashed (rc {rep.returncode}): {err[-300:]}"}
    ok = ("error" not in res and res["dup"] == 0 and res["ids_equal"] and res["docs_equal"]
          and res["lexical_equal"] and res["sentences_missing"] == 0 and res["failed"] == 0)
    shutil.rmtree(data, ignore_errors=True)
    return {"run": n, "target": target, "killed_at": killed_at, "finished": finished,
            "phase": reached[-1] if reached else "(imports)", "res": res, "ok": ok}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="mbo-kill-"))
    try:
        folder = make_corpus(work)
        t = time.perf_counter()
        ref, phases = reference(folder, work)
        print(f"reference: {len(ref['ids'])} chunks, {len(ref['docs'])} documents, "
              f"{time.perf_counter() - t:.1f} s; phase starts (s after launch): "
              + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()))
        ref_file = work / "ref.json"
        ref_file.write_text(json.dumps(ref))
        span = {"chunks": phases["lexical"] - phases["chunks"], "lexical": phases["sentences"] - phases["lexical"],
                "sentences": phases["done"] - phases["sentences"], "random": phases["done"]}
        plan = (["random", "chunks", "sentences", "lexical"] * math.ceil(args.runs / 4))[:args.runs]
        rows = []
        print(f"\n| run | aimed at | killed at (s) | phase reached | state found (chunks/docs/bm25/sent) | "
              f"repaired OK |\n|---|---|---|---|---|---|")
        for n, target in enumerate(plan, start=1):
            delay = rng.uniform(0, span[target])
            r = one_run(n, target, delay, folder, work, ref_file)
            rows.append(r)
            b = r["res"].get("before", {})
            found = b.get("error") or (f"{b.get('chunks')}/{b.get('docs')}/{b.get('lexical')}/{b.get('sentences')}"
                                       + (" +bm25 temp dir" if b.get("bm25_temp") else ""))
            verdict = "yes" if r["ok"] else f"NO {json.dumps({k: v for k, v in r['res'].items() if k != 'before'})}"
            print(f"| {n} | {target} +{delay:.2f}s | {r['killed_at']:.2f}{' (had finished)' if r['finished'] else ''} "
                  f"| {r['phase']} | {found} | {verdict} |", flush=True)
        killed = [r for r in rows if not r["finished"]]
        by_phase = {p: sum(1 for r in killed if r["phase"] == p) for p in ("(imports)",) + PHASES}
        print(f"\nsummary: {len(rows)} runs, {len(killed)} killed mid-ingest "
              f"({', '.join(f'{k}: {v}' for k, v in by_phase.items() if v)}), "
              f"{sum(r['ok'] for r in rows)}/{len(rows)} repaired to the reference index; "
              f"partial states seen: {sum(1 for r in killed if r['res'].get('before', {}).get('chunks') not in (None, len(ref['ids'])))} "
              f"with a partial chunk set, "
              f"{sum(1 for r in killed if r['res'].get('before', {}).get('lexical') != 'ok')} with a stale/missing BM25; "
              f"load average {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
