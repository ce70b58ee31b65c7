"""Shared by the benchmark scripts: the raw model encode rate on exactly the texts ingest embeds
(the yardstick for ingest throughput). Non-goal: timing anything else."""

from __future__ import annotations

import time
from pathlib import Path


def index_texts(folder: Path, settings) -> list[str]:
    """What ingest would embed for the documents of `folder` (manifest metadata applied)."""
    from ingest.index import embed_text
    from ingest.manifest import read_manifest
    from ingest.pipeline import prepare

    texts: list[str] = []
    for f, meta in read_manifest(folder).items():
        m, chunks = prepare(folder / f, meta, settings)
        texts += [embed_text(c, m) for c in chunks]
    return texts


def raw_encode_rate(folder: Path, settings, emb) -> tuple[list[str], float]:
    """(texts, chunks per second) of `emb.encode_passages` on those texts, model already loaded."""
    texts = index_texts(folder, settings)
    t = time.perf_counter()
    emb.encode_passages(texts)
    return texts, len(texts) / (time.perf_counter() - t)
