"""Shared fixtures: settings in a temp data dir, a deterministic fake embedder, and the real
converted e5 model (converted once per session into MBO_CACHE_DIR or ~/.cache)."""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest

from ingest.settings import Settings

REPO = Path(__file__).resolve().parents[1]
FIXTURE_CORPUS = REPO / "tests" / "fixtures" / "corpus"


class FakeEmbedder:
    """Hashed bag-of-words vectors: deterministic, fast, good enough for store tests."""

    name = "fake-bow-64"

    def __init__(self, fail_after: int | None = None):
        self.calls = 0
        self.embedded = 0
        self.fail_after = fail_after

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * 64
        for w in re.findall(r"\w+", text.lower()):
            v[int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1.0
        n = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / n for x in v]

    def embed_documents(self, texts):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("simulated crash while embedding")
        self.embedded += len(texts)
        return [self._vec(t) for t in texts]

    def embed_query(self, text):
        return self._vec(text)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=FIXTURE_CORPUS, chunk_size=400, chunk_min=80,
                    embed_batch_size=2)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    """Settings with the real default embedding model (converted once into the cache dir)."""
    return Settings(data_dir=tmp_path_factory.mktemp("realdata"))


@pytest.fixture(scope="session")
def real_embedder(real_settings):
    from ingest.embed import E5Embeddings

    return E5Embeddings.from_settings(real_settings)


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory) -> Settings:
    """The bundled corpus ingested once per session with the real model (about 1–2 minutes)."""
    from assistant.factory import build_index
    from ingest.pipeline import ingest

    settings = Settings(data_dir=tmp_path_factory.mktemp("corpusdata"))
    report = ingest([settings.corpus_dir], settings, build_index(settings))
    assert report.documents == 5 and not report.failed
    return settings


@pytest.fixture(scope="session")
def corpus_assistant(corpus_settings):
    from assistant.factory import build_assistant

    return build_assistant(corpus_settings)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright; CI (MBO_REQUIRE_BROWSER) fails rather than skips."""
    import os

    if not CHROMIUM.exists():
        if os.environ.get("MBO_REQUIRE_BROWSER"):  # set by .ci/run: CI must not skip the page tests
            pytest.fail(f"{CHROMIUM} is missing and MBO_REQUIRE_BROWSER is set; install it with "
                        "`apt-get install -y chromium` (scripts/setup.sh does when it can)")
        pytest.skip(f"{CHROMIUM} is missing; install it with `apt-get install -y chromium` (see scripts/setup.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def llm_assistant(corpus_settings):
    """The bundled corpus in llm mode with the real local model in its own process."""
    from assistant.factory import build_assistant

    settings = corpus_settings.model_copy(update={"llm_backend": "local", "llm_timeout_s": 300})
    a = build_assistant(settings)
    yield a
    a.model_server.stop()
