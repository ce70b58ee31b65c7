"""Benchmark: ingest hundreds of malformed files next to a good document; count the outcomes.

The cases come from fuzz_cases.py (truncated/corrupted PDFs, 5 MB lines, wrong encodings,
zero-byte files, 10,000-level HTML, random bytes, NULs, …). They are ingested in batches (each
batch folder holds the good document too) by a worker process with the hashed fake embedder
(common.py); the parent enforces a per-batch timeout. A batch that raises or hangs is re-run one
file at a time to name the culprit.

Per file the outcome is: "failure" (a Failure naming the file, with a reason), "ingested"
(accepted as text: fine for mojibake), "bad-failure" (a Failure without path or reason),
"crash" (an uncaught exception), "hang" (timeout) or "died" (the worker process died). After
every batch the index is checked: the good document's passage is retrieved (top 3) for its question, its
chunk count is unchanged, Chroma count == BM25 ids == sum of per-document chunks, ids unique.

    .venv/bin/python benchmarks/fuzz_ingest.py [--cases 520] [--batch 26] [--timeout 180]

Non-goals: speed (see ingest_bench.py), the real model, well-formed but hostile content
(tests/assistant/test_injection.py).
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing as mp
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when loaded by file path (tests)
from common import REPO, HashEmbedder  # noqa: E402,F401 - HashEmbedder: used here and by tests
from fuzz_cases import DUTCH, GOOD, GOOD_NAME, GOOD_QUESTION, cases, valid_pdf  # noqa: E402,F401 - DUTCH, valid_pdf: tests


# ---------------------------------------------------------------------------------- worker
def ingest_folder(folder: Path, data_dir: Path) -> dict:
    """Ingest a batch folder and check the index; returns a picklable result."""
    sys.path.insert(0, str(REPO))
    from assistant.answer.retrieve import HybridRetriever
    from ingest.settings import Settings
    from ingest.index import Index
    from ingest.lexical import stamp_of
    from ingest.pipeline import ingest

    settings = Settings(data_dir=data_dir, chunk_size=900, chunk_min=200)
    try:
        report = ingest([folder], settings, Index(settings, HashEmbedder()))
    except Exception as exc:  # noqa: BLE001 - the finding
        return {"crash": f"{type(exc).__name__}: {exc}"[:300], "trace": traceback.format_exc()[-1500:]}
    index = Index(settings, HashEmbedder())
    ids = index._get(include=[])["ids"]
    docs = index.documents()
    stored = index._get(include=["documents"])["documents"]
    hits, _ = HybridRetriever(index=index, k=3).search(GOOD_QUESTION)
    lexical = index.lexical.search(GOOD_QUESTION, 1)
    checks = {  # dense ranks are noise with a hashed embedder: the good passage must be in the top 3
        "good_found": any(h.chunk.doc_id == "goed-document" and "610" in h.chunk.text for h in hits)
        and bool(lexical) and lexical[0][0] in {h.chunk.chunk_id for h in hits},
        "good_chunks": docs.get("goed-document", {}).get("chunks", 0),
        "unique": len(ids) == len(set(ids)),
        "no_controls": not any(re.search(r"[\x00-\x08\x0e-\x1f\x7f]", t) for t in stored),
        "consistent": len(ids) == len(index.lexical.ids) == sum(d["chunks"] for d in docs.values())
        and index._stamp == stamp_of(ids),
    }
    return {"failed": [(f.path, f.reason) for f in report.failed], "documents": report.documents,
            "checks": checks, "count": len(ids)}


def _worker(conn, data_dir: str) -> None:
    while True:
        folder = conn.recv()
        if folder is None:
            return
        conn.send(ingest_folder(Path(folder), Path(data_dir)))


class Worker:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.ctx = mp.get_context("spawn")
        self._start()

    def _start(self):
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child, str(self.data_dir)), daemon=True)
        self.proc.start()

    def run(self, folder: Path, timeout: float) -> dict:
        self.conn.send(str(folder))
        if not self.conn.poll(timeout):
            self.restart()
            return {"hang": True}
        try:
            return self.conn.recv()
        except EOFError:
            self.restart()
            return {"died": True}

    def restart(self):
        self.proc.kill()
        self.proc.join()
        self._start()

    def close(self):
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()


def outcomes(batch: list[tuple[str, str, bytes]], folder: Path, res: dict) -> dict[str, str]:
    """File name -> outcome for a batch that ran to the end."""
    failed = dict(res["failed"])
    out = {}
    for _, name, _ in batch:
        path = str(folder / name)
        if path in failed:
            out[name] = "failure" if failed[path].strip() else "bad-failure"
        else:
            out[name] = "ingested"
    stray = set(failed) - {str(folder / n) for _, n, _ in batch}
    if stray:
        out["(stray failures)"] = f"bad-failure: {sorted(stray)}"
    return out


def run_batch(worker: Worker, batch, root: Path, timeout: float) -> tuple[dict, dict]:
    """Always the same folder: the previous batch's documents are removed as their files are gone."""
    folder = root / "batch"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / GOOD_NAME).write_text(GOOD, encoding="utf-8")
    for _, name, data in batch:
        (folder / name).write_bytes(data)
    t = time.perf_counter()
    res = worker.run(folder, timeout)
    res["seconds"] = time.perf_counter() - t
    shutil.rmtree(folder, ignore_errors=True)
    return res, ({} if {"hang", "died", "crash"} & set(res) else outcomes(batch, folder, res))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=520)
    ap.add_argument("--batch", type=int, default=26)
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="mbo-fuzz-"))
    all_cases = cases(args.cases, args.seed)
    kinds = {name: kind for kind, name, _ in all_cases}
    worker = Worker(root / "data")
    results: dict[str, str] = {}
    problems: list[str] = []
    bad_checks: list[str] = []
    t0 = time.perf_counter()
    try:
        for b in range(0, len(all_cases), args.batch):
            batch = all_cases[b:b + args.batch]
            res, outs = run_batch(worker, batch, root, args.timeout)
            if not outs:  # raised, hung or died: one file at a time to find the culprit
                problems.append(f"batch {b // args.batch}: {res.get('crash') or ('hang' if res.get('hang') else 'died')}")
                for case in batch:
                    r1, o1 = run_batch(worker, [case], root, args.timeout)
                    if o1:
                        results.update(o1)
                    else:
                        kind = "crash" if "crash" in r1 else "hang" if r1.get("hang") else "died"
                        results[case[1]] = kind
                        problems.append(f"  {case[1]}: {kind} {r1.get('crash', '')} {r1.get('trace', '')[-600:]}")
                continue
            results.update(outs)
            c = res["checks"]
            if not (c["good_found"] and c["unique"] and c["no_controls"] and c["consistent"] and c["good_chunks"] > 0):
                bad_checks.append(f"batch {b // args.batch}: {c}")
            print(f"batch {b // args.batch:3d}: {len(batch)} files, {res['seconds']:.1f} s, index {res['count']} chunks, "
                  f"checks {'ok' if not bad_checks or not bad_checks[-1].startswith(f'batch {b // args.batch}:') else c}",
                  flush=True)
    finally:
        worker.close()
        shutil.rmtree(root, ignore_errors=True)
    by_outcome = collections.Counter(v.split(":")[0] for v in results.values())
    by_kind: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for name, outcome in results.items():
        by_kind[kinds.get(name, "?")][outcome.split(":")[0]] += 1
    print(f"\n{len(results)} files in {time.perf_counter() - t0:.0f} s (load average {os.getloadavg()[0]:.2f})")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in by_outcome.most_common()))
    print("\n| kind | " + " | ".join(sorted(by_outcome)) + " |\n|---|" + "---|" * len(by_outcome))
    for kind in sorted(by_kind):
        print(f"| {kind} | " + " | ".join(str(by_kind[kind][o]) for o in sorted(by_outcome)) + " |")
    print(f"\nindex checks failed after {len(bad_checks)} batches" + "".join(f"\n  {x}" for x in bad_checks))
    print("problems:" + ("".join(f"\n  {p}" for p in problems) or " none"))


if __name__ == "__main__":
    main()
