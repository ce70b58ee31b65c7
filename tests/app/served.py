"""Helpers for the page tests: settings over the fixture corpus and a served app (real e5
embedder, real Chroma) on a free loopback port in this process."""

from __future__ import annotations

import socket
from contextlib import contextmanager

from ingest.settings import REPO_ROOT, Settings

FIXTURE_CORPUS = REPO_ROOT / "tests" / "fixtures" / "corpus"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fixture_settings(tmp_path, **extra) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=FIXTURE_CORPUS, chunk_size=200, chunk_min=60,
                    feedback_db=tmp_path / "feedback.sqlite", port=free_port(), **extra)


@contextmanager
def serve(settings: Settings, embedder, chat_model_factory=None):
    """Ingest the fixture corpus into settings.data_dir and serve the page; yields (url, assistant).
    chat_model_factory: a stand-in chat model for llm mode (none: extractive only)."""
    import app
    from assistant.factory import build_assistant, build_index, build_retriever
    from ingest.pipeline import ingest

    index = build_index(settings, embedder)
    report = ingest([FIXTURE_CORPUS], settings, index)
    assert not report.failed and report.chunks >= 4
    assistant = build_assistant(settings, build_retriever(settings, index), chat_model_factory)
    demo = app.build_app(settings, assistant)
    kwargs = app.launch_kwargs(settings)
    kwargs.update(prevent_thread_lock=True, quiet=True)
    demo.launch(**kwargs)
    try:
        yield f"http://127.0.0.1:{settings.port}/", assistant
    finally:
        demo.close()
