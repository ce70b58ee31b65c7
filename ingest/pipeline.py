"""Ingest orchestration: paths -> load -> clean -> chunk -> Index.sync, under a lock.

A file that fails to load is reported (one message naming the file and the reason) and the
index keeps what it had for it; the other files are still ingested. When a folder is ingested,
documents that were ingested from that folder before and whose files are gone are removed.
Non-goal: the stages themselves (load.py, clean.py, chunk.py, index.py).
"""

from __future__ import annotations

import fcntl
import os
import time
from dataclasses import replace
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ingest.errors import InputError, LoadError, StoreError
from ingest.settings import Settings
from ingest.types import Chunk, DocMeta, Excluded, Failure, IngestReport
from ingest.chunk import chunk, chunk_id
from ingest.clean import clean
from ingest.index import Index
from ingest.load import SUPPORTED, load
from ingest.manifest import MANIFEST, read_manifest
from ingest.steering import strip_steering


@contextmanager
def ingest_lock(data_dir: Path, wait: bool = False) -> Iterator[None]:
    """One ingest at a time per data dir; a second one refuses clearly (or waits)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "ingest.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StoreError(f"another ingest ({holder}) is writing the index in {data_dir}; "
                             "wait for it to finish and run the command again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def discover(paths: Sequence[Path]) -> list[tuple[Path, Path | None]]:
    """(file, folder it was found in or None) for every candidate file under `paths`."""
    found: list[tuple[Path, Path | None]] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.name != MANIFEST and not f.name.startswith(".") and f.name != "README.md":
                    found.append((f, p))
        elif p.exists():
            found.append((p, None))
        else:
            raise InputError(f"{p}: no such file or folder; give an existing path (default: corpus/)")
    return found


def prepare(path: Path, meta: DocMeta | None, settings: Settings
            ) -> tuple[DocMeta, list[Chunk], tuple[Excluded, ...]]:
    """One file through load -> clean -> chunk -> steering sentences left out (raises LoadError)."""
    if path.suffix.lower() not in SUPPORTED:
        raise LoadError(path, f"unsupported file type {path.suffix or '(none)'!r}; "
                              f"supported are {', '.join(SUPPORTED)}")
    doc = clean(load(path, meta))
    chunks = chunk(doc, settings.chunk_size, settings.chunk_min)
    if not chunks:  # e.g. only zero-width spaces: say so rather than "ingested" with nothing
        raise LoadError(path, "no text is left after cleaning (only invisible or control characters)")
    kept, excluded = [], []
    for c in chunks:  # text addressed to the assistant never becomes a source
        clean_chunk, flags = strip_steering(c, chunk_id)
        excluded += [Excluded(str(path), f.sentence, f.reason) for f in flags]
        if clean_chunk is not None:
            kept.append(clean_chunk)
    if not kept:
        raise LoadError(path, "every passage addresses the assistant (instructions for AI systems), "
                              "so nothing can be a source; remove those sentences and add the file again")
    return doc.meta, kept, tuple(excluded)


def ingest(paths: Sequence[Path], settings: Settings, index: Index, *, rebuild: bool = False,
           bar=None, wait: bool = False, sentences: bool = True) -> IngestReport:
    t0 = time.perf_counter()
    files = discover(paths)
    manifests = {folder: read_manifest(folder) for folder in {f for _, f in files if f is not None}}
    failures: list[Failure] = []
    excluded: list[Excluded] = []
    prepared: list[tuple[DocMeta, list[Chunk], str]] = []
    present: dict[str, set[str]] = {}  # root -> file paths (relative) on disk, loaded or not
    for path, folder in files:
        rel = str(path.relative_to(folder)) if folder else str(path)
        root = str(folder.resolve()) if folder else ""
        present.setdefault(root, set()).add(rel)
        meta = manifests.get(folder, {}).get(rel) if folder else None
        try:
            doc_meta, chunks, left_out = prepare(path, meta, settings)
        except LoadError as exc:
            failures.append(Failure(str(path), exc.reason))
            continue
        except (MemoryError, RecursionError, ValueError, TypeError, KeyError, IndexError,
                AttributeError, UnicodeError, OSError, NotImplementedError, AssertionError) as exc:
            # a bug in a parser for one odd file must not abort the whole ingest: report it
            failures.append(Failure(str(path), f"unexpected {type(exc).__name__} while reading it ({exc}); "
                                               "the file was skipped, please report it with the file"))
            continue
        excluded += left_out
        if folder is not None:
            doc_meta = replace(doc_meta, path=rel)
        prepared.append((doc_meta, chunks, root))

    with ingest_lock(settings.data_dir, wait=wait):
        if rebuild:
            index.reset()
        counts = index.sync(prepared, bar=bar)
        removed = counts.removed + _remove_missing(index, prepared, present)
        index.refresh_lexical()
        if sentences:
            from ingest.units import sentences_of

            texts = [t for _, chunks, _ in prepared for c in chunks for t, _, _ in sentences_of(c)]
            todo = index.sentences.missing(texts)
            if bar is not None and todo:
                bar.reset(total=len(todo))
                bar.set_description("sentences")
            index.sentences.fill(todo, bar=bar)
    return IngestReport(documents=len(prepared), chunks=sum(len(c) for _, c, _ in prepared),
                        embedded=counts.embedded, skipped=counts.skipped, removed=removed,
                        failed=tuple(failures), seconds=time.perf_counter() - t0, excluded=tuple(excluded))


def _remove_missing(index: Index, prepared, present: dict[str, set[str]]) -> int:
    """Remove documents ingested earlier from a folder ingested now whose file is gone."""
    roots = {r for r in present if r}
    if not roots:
        return 0
    loaded = {meta.doc_id for meta, _, _ in prepared}
    loaded_files = {(root, meta.path) for meta, _, root in prepared}
    gone = []
    for doc_id, info in index.documents().items():
        root, rel = info["root"], info["path"]
        if root in roots and doc_id not in loaded:
            # its file is gone, or the file now yields another doc_id (manifest edited)
            if rel not in present[root] or (root, rel) in loaded_files:
                gone.append(doc_id)
    return index.remove_documents(gone)
