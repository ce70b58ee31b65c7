"""Shared by the benchmark scripts: the raw model encode rate on exactly the texts ingest embeds
(the yardstick for ingest throughput), a fake hashed embedder for runs that must not load e5,
the dev questions, memory/disk figures, hooking a method (to time it or mark a
phase) and launching a benchmark's child process.
Non-goals: timing anything itself, test fixtures (tests/ keep their own fakes)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import re
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # the project's packages, for every benchmark that imports this


def index_texts(folder: Path, settings) -> list[str]:
    """What ingest would embed for the documents of `folder` (manifest metadata applied)."""
    from ingest.index import embed_text
    from ingest.manifest import read_manifest
    from ingest.pipeline import prepare

    texts: list[str] = []
    for f, meta in read_manifest(folder).items():
        m, chunks, _ = prepare(folder / f, meta, settings)
        texts += [embed_text(c, m) for c in chunks]
    return texts


def raw_encode_rate(folder: Path, settings, emb) -> tuple[list[str], float]:
    """(texts, chunks per second) of `emb.encode_passages` on those texts, model already loaded."""
    texts = index_texts(folder, settings)
    t = time.perf_counter()
    emb.encode_passages(texts)
    return texts, len(texts) / (time.perf_counter() - t)


class HashEmbedder:
    """Hashed bag-of-words vectors (64 dims): deterministic and fast. `delay` + `per_text` × batch
    size seconds of sleep per embed_documents call keep an ingest's phases long enough to hit
    (kill_ingest.py). Only the first 200,000 characters of a text count (fuzzed 5 MB lines)."""

    name = "fake-hash-64"

    def __init__(self, delay: float = 0.0, per_text: float = 0.0):
        self.delay, self.per_text = delay, per_text

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * 64
        for w in re.findall(r"\w+", text.lower()[:200_000]):
            v[int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1.0
        n = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / n for x in v]

    def embed_documents(self, texts):
        if self.delay or self.per_text:
            time.sleep(self.delay + self.per_text * len(texts))
        return [self._vec(t) for t in texts]

    def embed_query(self, text):
        return self._vec(text)


def dev_questions() -> list[dict]:
    """The dev set (evals/questions/dev.jsonl), one dict per question."""
    from evals.questions import load_questions

    return load_questions(REPO / "evals" / "questions" / "dev.jsonl")


def rss_mb() -> float:
    """Peak resident memory of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def child_command(module: str, *args: str) -> list[str]:
    """argv that runs `module.child(args)` (a benchmarks/ module) in a fresh interpreter, with the
    repo and benchmarks/ importable; the child's return value is its exit code."""
    code = (f"import sys; sys.path[:0] = [{str(REPO)!r}, {str(HERE)!r}]; import {module}; "
            f"sys.exit({module}.child(sys.argv[1:]))")
    return [sys.executable, "-c", code, *args]


def wrap_method(cls, name: str, around) -> object:
    """Replace cls.name (a method or classmethod) by one that runs `around(call)`, where call()
    runs the original with the caller's arguments. Returns the original, for `restore`."""
    original = cls.__dict__[name]
    is_class = isinstance(original, classmethod)
    target = getattr(cls, name) if is_class else original

    @functools.wraps(target)
    def wrapper(*args, **kwargs):
        return around(lambda: target(*args, **kwargs))

    setattr(cls, name, staticmethod(wrapper) if is_class else wrapper)
    return original


@contextlib.contextmanager
def timed(cls, name: str, into: dict):
    """While inside: calls of cls.name add their seconds to into[name]."""
    def around(call):
        t = time.perf_counter()
        try:
            return call()
        finally:
            into[name] = into.get(name, 0.0) + time.perf_counter() - t

    original = wrap_method(cls, name, around)
    try:
        yield into
    finally:
        setattr(cls, name, original)
