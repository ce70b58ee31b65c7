"""The page's shared back end: the assistant is built once, on first use, even when many users
arrive at the same moment; the document view and glossary are built once and then reused."""

import threading
import time
from types import SimpleNamespace

import pytest

from assistant.web.docview import DocView
from assistant.web.services import Services
from ingest.settings import Settings

pytestmark = pytest.mark.unit


def fake_assistant():
    return SimpleNamespace(retriever=SimpleNamespace(index=SimpleNamespace()))


def test_the_assistant_is_built_once_on_first_use_by_concurrent_users(tmp_path):
    built, gate = [], threading.Barrier(8)

    def build(settings):
        built.append(settings)
        time.sleep(0.05)  # a slow build: without the lock the other users would build again
        return fake_assistant()

    settings = Settings(data_dir=tmp_path)
    services = Services(settings, build=build)
    assert built == []  # nothing until a handler needs it
    got = []

    def user():
        gate.wait()
        got.append(services.get())

    threads = [threading.Thread(target=user) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert built == [settings] and len(got) == 8 and all(a is got[0] for a in got)


def test_a_given_assistant_is_used_and_views_are_cached(tmp_path):
    given = fake_assistant()
    services = Services(Settings(data_dir=tmp_path), given)
    assert services.get() is given
    view = services.view()
    assert isinstance(view, DocView) and view.index is given.retriever.index and services.view() is view
    terms = services.terms()
    assert terms and services.terms() is terms and any(t.term.lower() == "bbl" for t in terms)


def test_without_an_assistant_or_a_way_to_build_one_it_says_so(tmp_path):
    with pytest.raises(RuntimeError, match="no build function"):
        Services(Settings(data_dir=tmp_path)).get()
