"""The document-side handlers without a page: what the page shows when it loads (filters, glossary,
who is signed in, the upload area for admins only) and the upload handler's gate and report."""

from types import SimpleNamespace

import gradio as gr
import pytest

import assistant.web.uploads
from assistant.web.documents import catalogue_updates, make_init, make_upload
from assistant.web.services import Services
from assistant.web.uploads import FileResult
from ingest.settings import Settings

pytestmark = pytest.mark.unit

CATALOGUE = [{"doc_id": "bbl", "title": "Werkwijzer bbl", "doc_type": "werkwijzer"},
             {"doc_id": "brief", "title": "Kamerbrief", "doc_type": "Kamerbrief"},
             {"doc_id": "bol", "title": "Werkwijzer bol", "doc_type": "werkwijzer"}]


class FakeView:
    def __init__(self):
        self.catalogue_calls, self.cleared = 0, 0

    def catalogue(self):
        self.catalogue_calls += 1
        return CATALOGUE

    def clear(self):
        self.cleared += 1


class PageServices(Services):
    """The real Services (glossary located from the settings' corpus) with a stand-in view."""

    def __init__(self, settings):
        super().__init__(settings, SimpleNamespace(retriever=SimpleNamespace(index="the index")))
        self.fake_view = FakeView()

    def view(self):
        return self.fake_view


def admin_settings(tmp_path):
    return Settings(data_dir=tmp_path, users="beheer:Geheim-1,lezer:Lezen-2", admins="beheer")


def test_catalogue_gives_the_filter_choices():
    docs, types = catalogue_updates(FakeView())
    assert docs["choices"] == [("Werkwijzer bbl", "bbl"), ("Kamerbrief", "brief"), ("Werkwijzer bol", "bol")]
    assert types["choices"] == ["Kamerbrief", "werkwijzer"]


@pytest.mark.parametrize("user, visible", [("beheer", True), ("lezer", False), (None, False)])
def test_page_load_fills_filters_and_glossary_and_shows_uploads_to_admins(tmp_path, user, visible):
    init = make_init(PageServices(admin_settings(tmp_path)), admin_settings(tmp_path), auth_on=True)
    docs, types, upload_box, glossary, who = init(SimpleNamespace(username=user))
    assert docs["choices"][0] == ("Werkwijzer bbl", "bbl") and types["choices"] == ["Kamerbrief", "werkwijzer"]
    assert upload_box["visible"] is visible
    assert "<h3>Begrippen</h3>" in glossary and 'id="begrip-bbl"' in glossary
    assert who == (f"Aangemeld als **{user}**." if user else "")


def test_the_signed_in_name_is_escaped(tmp_path):
    init = make_init(PageServices(admin_settings(tmp_path)), admin_settings(tmp_path), auth_on=True)
    assert init(SimpleNamespace(username="<b>x</b>"))[-1] == "Aangemeld als **&lt;b&gt;x&lt;/b&gt;**."


def test_upload_refuses_non_admins_and_asks_for_files(tmp_path, monkeypatch):
    monkeypatch.setattr(assistant.web.uploads, "add_documents", lambda *a: pytest.fail("add_documents ran"))
    settings = admin_settings(tmp_path)
    upload = make_upload(PageServices(settings), settings, auth_on=True)
    for user in ("lezer", None):
        with pytest.raises(gr.Error, match="Alleen beheerders"):
            upload(["/tmp/x.txt"], SimpleNamespace(username=user))
    status, *rest = upload([], SimpleNamespace(username="beheer"))
    assert status.startswith("Kies eerst") and all(isinstance(r, type(gr.skip())) for r in rest)
    anonymous = make_upload(PageServices(Settings(data_dir=tmp_path)), Settings(data_dir=tmp_path), auth_on=False)
    with pytest.raises(gr.Error, match="Alleen beheerders"):  # sign-in off and MBO_UPLOADS unset
        anonymous(["/tmp/x.txt"], SimpleNamespace(username=None))


def test_upload_adds_the_files_and_refreshes_the_filters(tmp_path, monkeypatch):
    seen, progress = {}, []

    def add_documents(paths, settings, index, report):
        seen.update(paths=paths, index=index)
        report(0.5, "bezig")
        return [FileResult("nota.pdf", True, "3 passages"), FileResult("<x>.txt", False, "leeg bestand")]

    monkeypatch.setattr(assistant.web.uploads, "add_documents", add_documents)
    settings = admin_settings(tmp_path)
    services = PageServices(settings)
    upload = make_upload(services, settings, auth_on=True)
    files = ["/tmp/a/nota.pdf", SimpleNamespace(path="/tmp/b/x.txt", name="ignored")]
    status, docs, types, file_box = upload(files, SimpleNamespace(username="beheer"),
                                           lambda frac, desc: progress.append((frac, desc)))
    assert seen == {"paths": ["/tmp/a/nota.pdf", "/tmp/b/x.txt"], "index": "the index"}
    assert progress == [(0.5, "bezig")]
    assert status == ("1 van 2 bestand(en) toegevoegd; nieuwe documenten zijn direct doorzoekbaar.\n\n"
                      "- ✓ **nota.pdf**: 3 passages\n- ✗ **&lt;x&gt;.txt**: leeg bestand")
    assert services.fake_view.cleared == 1 and docs["choices"][0] == ("Werkwijzer bbl", "bbl")
    assert types["choices"] == ["Kamerbrief", "werkwijzer"] and file_box is None
