"""The glossary quotes each definition verbatim from the corpus document it cites."""


import pytest

from assistant.web.terms import glossary_html, load_terms, locate, norm, wrap_terms
from ingest.settings import REPO_ROOT
from ingest.clean import clean
from ingest.load import load
from ingest.manifest import read_manifest

pytestmark = pytest.mark.unit
CORPUS = REPO_ROOT / "corpus"


def test_required_terms_are_present():
    assert {t.term for t in load_terms()} >= {"bbl", "bol", "derde leerweg", "startkwalificatie", "entreeopleiding"}


@pytest.mark.parametrize("term", load_terms(), ids=lambda t: t.term)
def test_definition_occurs_verbatim_in_the_cited_document(term):
    by_id = {m.doc_id: (f, m) for f, m in read_manifest(CORPUS).items()}
    assert term.doc_id in by_id, f"{term.doc_id} is not a corpus document"
    file, meta = by_id[term.doc_id]
    text = norm(clean(load(CORPUS / file, meta)).text)
    assert norm(term.definition) in text
    assert term.term.lower() in term.definition.lower()


def test_locate_uses_manifest_titles_without_index():
    terms = locate(load_terms(), None, CORPUS)
    assert all(t.title == "Werkwijzer 'Leren en werken via het mbo'" for t in terms)
    html = glossary_html(terms)
    assert 'id="begrip-derde-leerweg"' in html and "Bron: Werkwijzer" in html


def test_wrap_terms_marks_whole_words_only():
    terms = load_terms()
    out = wrap_terms("Een bbl-student in de derde leerweg; geen bolwerk of bbls.", terms)
    assert out.count('<a class="term"') == 2
    assert 'href="#begrip-bbl"' in out and 'href="#begrip-derde-leerweg"' in out
    assert "bolwerk" in out and "bbls" in out
    assert "Bbl is de afkorting van beroepsbegeleidende leerweg" in out  # the definition is the tooltip
