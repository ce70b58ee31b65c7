"""Reliability of ingest under faults and bad input (small versions of benchmarks/kill_ingest.py
and benchmarks/fuzz_ingest.py, so CI exercises them), and two ingests at once.

Kills are deterministic: the child ingest (a `python -c` process with a fake embedder) blocks at
a chosen point (second chunk batch, inside the BM25 save, second sentence batch), signals that
it got there, and is SIGKILLed; the test checks the partial state is really partial, then that a
clean ingest repairs it to exactly the reference index.
"""

import concurrent.futures
import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingest.errors import StoreError
from assistant.answer.extractive import sentences_of
from ingest.index import Index, from_metadata
from ingest.lexical import LexicalIndex, stamp_of
from ingest.pipeline import ingest
from tests.conftest import FIXTURE_CORPUS, REPO, FakeEmbedder

pytestmark = pytest.mark.integration

CHILD = r"""
import sys, time
from pathlib import Path
import bm25s
from ingest.settings import Settings
from ingest.index import Index
from ingest.pipeline import ingest
from ingest.sentences import SentenceVectors
from tests.conftest import FakeEmbedder

block, folder, data, flag, go = sys.argv[1:6]
state = {"phase": "chunks", "calls": 0}

def hold():
    Path(flag).write_text("here")
    while not Path(go).exists():
        time.sleep(0.05)

class Emb(FakeEmbedder):
    def embed_documents(self, texts):
        state["calls"] += 1
        if state["phase"] == block and state["calls"] == 2:
            hold()
        return super().embed_documents(texts)

fill = SentenceVectors.fill
def fill_(self, texts, bar=None):
    state.update(phase="sentences", calls=0)
    return fill(self, texts, bar)
SentenceVectors.fill = fill_
save = bm25s.BM25.save
def save_(self, *a, **k):
    save(self, *a, **k)
    if block == "lexical":
        hold()
bm25s.BM25.save = save_

s = Settings(data_dir=Path(data), chunk_size=400, chunk_min=80, embed_batch_size=2)
ingest([Path(folder)], s, Index(s, Emb()))
"""


def _corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for f in FIXTURE_CORPUS.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "extra.md").write_text("# Extra\n\n" + "\n\n".join(
        f"## Deel {i}\n\n" + f"Zin {i} van een testdocument zonder beleidsinhoud, regel nummer een. " * 4
        + f"Nog een zin {i} over niets in het bijzonder." for i in range(40)), encoding="utf-8")
    return folder


def _settings(data: Path):
    from ingest.settings import Settings

    return Settings(data_dir=data, chunk_size=400, chunk_min=80, embed_batch_size=2)


def _start(block: str, folder: Path, data: Path, tmp_path: Path):
    flag, go = tmp_path / f"flag-{block}", tmp_path / f"go-{block}"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, block, str(folder), str(data), str(flag), str(go)],
                            cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, ANONYMIZED_TELEMETRY="False"))
    deadline = time.time() + 120
    while not flag.exists():
        if proc.poll() is not None:
            pytest.fail(f"child ingest ended before blocking: {proc.communicate()[1][-2000:]}")
        if time.time() > deadline:
            proc.kill()
            pytest.fail("child ingest did not reach its blocking point in 120 s")
        time.sleep(0.05)
    return proc, go


def _snapshot(settings) -> dict:
    index = Index(settings, FakeEmbedder())
    res = index._get(include=["documents", "metadatas"])
    chunks = [from_metadata(i, t, m)[0] for i, t, m in zip(res["ids"], res["documents"], res["metadatas"])]
    texts = [t for c in chunks for t, _, _ in sentences_of(c)]
    loaded = LexicalIndex.load(settings.lexical_dir)
    return {"ids": sorted(res["ids"]), "docs": sorted(index.documents()),
            "lexical_ok": loaded is not None and loaded[1] == stamp_of(res["ids"])
            and sorted(loaded[0].ids) == sorted(res["ids"]),
            "sentences_missing": len(index.sentences.missing(texts)) if texts else 0}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ref")
    folder = _corpus(tmp)
    settings = _settings(tmp / "data")
    report = ingest([folder], settings, Index(settings, FakeEmbedder()))
    assert not report.failed
    snap = _snapshot(settings)
    assert snap["lexical_ok"] and snap["sentences_missing"] == 0 and len(snap["ids"]) > 16
    return snap


@pytest.mark.parametrize("block", ["chunks", "lexical", "sentences"])
def test_killed_ingest_is_repaired(tmp_path, reference, block):
    folder, data = _corpus(tmp_path), tmp_path / "data"
    proc, _ = _start(block, folder, data, tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    settings = _settings(data)
    before = _snapshot(settings)
    if block == "chunks":  # the first batch was written, not the rest
        assert 0 < len(before["ids"]) < len(reference["ids"])
    elif block == "lexical":  # all chunks written, BM25 written to a temp folder only
        assert before["ids"] == reference["ids"] and not before["lexical_ok"]
    else:
        assert before["ids"] == reference["ids"] and before["lexical_ok"] and before["sentences_missing"] > 0

    leftovers = list(data.glob(".bm25-*"))  # a save killed midway leaves its temp folder
    assert bool(leftovers) == (block == "lexical")
    for old in leftovers:  # an hour later: the next save clears it
        os.utime(old, (time.time() - 7200, time.time() - 7200))
    report = ingest([folder], settings, Index(settings, FakeEmbedder()))
    after = _snapshot(settings)
    assert not report.failed
    assert after == reference  # same ids (no duplicates, nothing stale), all documents, BM25, sentences
    assert not list(data.glob(".bm25-*"))


def test_second_ingest_refuses_or_waits_and_the_index_stays_whole(tmp_path, reference):
    folder, data = _corpus(tmp_path), tmp_path / "data"
    proc, go = _start("chunks", folder, data, tmp_path)  # holds the lock, mid-write
    settings = _settings(data)
    try:
        with pytest.raises(StoreError, match="another ingest"):
            ingest([folder], settings, Index(settings, FakeEmbedder()))
        waiter: dict = {}

        def wait_and_ingest():
            waiter["report"] = ingest([folder], settings, Index(settings, FakeEmbedder()), wait=True)

        t = threading.Thread(target=wait_and_ingest)
        t.start()
        time.sleep(1.5)
        assert t.is_alive() and "report" not in waiter  # waiting for the lock, not writing
        go.write_text("go")
        assert proc.wait(timeout=120) == 0, proc.communicate()[1][-2000:]
        t.join(120)
        assert not t.is_alive() and not waiter["report"].failed
        assert waiter["report"].embedded == 0  # the first ingest did all the work
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _snapshot(settings) == reference


def _fuzz_module():
    spec = importlib.util.spec_from_file_location("fuzz_ingest", REPO / "benchmarks" / "fuzz_ingest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_malformed_files_fail_cleanly_and_the_index_stays_intact(tmp_path):
    fuzz = _fuzz_module()
    cases = fuzz.cases(30, seed=11, huge=False)
    folder, data = tmp_path / "batch", tmp_path / "data"
    folder.mkdir()
    (folder / fuzz.GOOD_NAME).write_text(fuzz.GOOD, encoding="utf-8")
    for _, name, blob in cases:
        (folder / name).write_bytes(blob)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        res = pool.submit(fuzz.ingest_folder, folder, data).result(timeout=300)  # no hang
    assert "crash" not in res, res.get("trace")
    outcome = fuzz.outcomes(cases, folder, res)
    assert set(outcome.values()) <= {"failure", "ingested"}, outcome
    kinds = {name: kind for kind, name, _ in cases}
    must_fail = {"zero", "utf16", "scripts_only", "encrypted", "controls"}  # others may be readable
    assert {kinds[n] for n, o in outcome.items() if o == "ingested"}.isdisjoint(must_fail), outcome
    assert res["documents"] == 1 + sum(o == "ingested" for o in outcome.values())
    assert all(res["checks"][k] for k in ("good_found", "unique", "consistent")) and res["checks"]["good_chunks"] > 0
    index = Index(_settings_for_fuzz(data), fuzz.HashEmbedder())
    stored = "".join(index._get(include=["documents"])["documents"])
    assert not any(ch in stored for ch in "\x00\x01\x07\x1b\x7f")  # control characters never stored


def _settings_for_fuzz(data: Path):
    from ingest.settings import Settings

    return Settings(data_dir=data)


def test_pdf_with_an_unknown_filter_fails_cleanly_and_the_rest_ingests(tmp_path):
    """Found by the fuzzer: pypdf raises NotImplementedError for a mangled filter name, which
    used to escape load() and abort the whole ingest."""
    fuzz = _fuzz_module()
    pdf = fuzz.valid_pdf()
    assert b"/FlateDecode" in pdf
    folder, data = tmp_path / "batch", tmp_path / "data"
    folder.mkdir()
    (folder / fuzz.GOOD_NAME).write_text(fuzz.GOOD, encoding="utf-8")
    (folder / "kapot.pdf").write_bytes(pdf.replace(b"/FlateDecode", b"/FlateDXcode"))
    res = fuzz.ingest_folder(folder, data)
    assert "crash" not in res, res.get("trace")
    assert [p for p, _ in res["failed"]] == [str(folder / "kapot.pdf")]
    assert "Unsupported filter" in res["failed"][0][1] and res["documents"] == 1


def test_text_the_fuzzer_found_hard(tmp_path):
    """Found by the fuzzer: a long token made clean() hang (a cubic regex: 2,000 letters took
    30 s), NULs past the first 4 KB and control characters reached the index, and a file of only
    zero-width spaces was reported as ingested with no chunks."""
    fuzz = _fuzz_module()
    folder, data = tmp_path / "batch", tmp_path / "data"
    folder.mkdir()
    (folder / fuzz.GOOD_NAME).write_text(fuzz.GOOD, encoding="utf-8")
    (folder / "token.txt").write_text("Titel\n\n" + "x" * 50_000 + "-\n", encoding="utf-8")
    body = (fuzz.DUTCH * 80).encode()
    (folder / "nul.txt").write_bytes(body[:5000] + b"\x00\x1b\x07" + body[5000:])
    (folder / "onzichtbaar.md").write_text("\u200b\u00a0\n" * 40, encoding="utf-8")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        res = pool.submit(fuzz.ingest_folder, folder, data).result(timeout=120)
    assert "crash" not in res, res.get("trace")
    assert [Path(p).name for p, _ in res["failed"]] == ["onzichtbaar.md"]
    assert "no text" in res["failed"][0][1]
    assert res["documents"] == 3 and res["checks"]["no_controls"] and res["checks"]["consistent"]
