"""The same ingest and retrieval against a real Chroma server (`chroma run` on loopback).

The BM25 index and the sentence-vector cache are local caches rebuilt from the server, so a
second client with an empty data dir answers the same, and sees another client's ingest."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.answer.retrieve import HybridRetriever
from ingest.settings import Settings
from ingest.index import Index
from ingest.pipeline import ingest
from tests.conftest import FIXTURE_CORPUS, FakeEmbedder

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.fail("the `chroma` CLI (from the chromadb package) is not installed")
    port = _free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path_factory.mktemp("chroma-srv")),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 60 s")
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def _settings(tmp_path, port, name="data") -> Settings:
    return Settings(data_dir=tmp_path / name, chroma_mode="http", chroma_host="127.0.0.1",
                    chroma_port=port, collection="srv-test", chunk_size=400, chunk_min=80)


def test_ingest_and_retrieve_through_the_server(tmp_path, chroma_server):
    s = _settings(tmp_path, chroma_server)
    index = Index(s, FakeEmbedder())
    first = ingest([FIXTURE_CORPUS], s, index, rebuild=True)
    assert first.documents == 3 and first.embedded == first.chunks and not first.failed
    assert not (s.data_dir / "chroma").exists()  # nothing stored locally but caches

    again = ingest([FIXTURE_CORPUS], s, Index(s, FakeEmbedder()))
    assert again.embedded == 0 and again.skipped == first.chunks

    # a second client with an empty data dir rebuilds its BM25 cache from the server
    other = _settings(tmp_path, chroma_server, "other")
    hits, _ = HybridRetriever(index=Index(other, FakeEmbedder()), k=3).search("610 uur beroepspraktijkvorming")
    assert hits and "610" in hits[0].chunk.text


def test_a_reader_sees_another_clients_ingest(tmp_path, chroma_server):
    s = _settings(tmp_path, chroma_server)
    ingest([FIXTURE_CORPUS], s, Index(s, FakeEmbedder()), rebuild=True)
    reader = Index(_settings(tmp_path, chroma_server, "reader"), FakeEmbedder())
    before = len(reader.lexical.ids)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "stap.txt").write_text("Derde leerweg\n\nDe derde leerweg is niet bekostigd door OCW.\n",
                                    encoding="utf-8")
    ingest([extra], s, Index(s, FakeEmbedder()))
    reader.freshness_s = 0.0
    assert len(reader.lexical.ids) == before + 1
