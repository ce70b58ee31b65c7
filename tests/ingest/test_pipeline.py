"""Ingest end to end with a real Chroma (temp dir) and a fake embedder; one test with the
real e5 model lives in test_index_real.py."""

import threading

import pytest

from ingest.errors import StoreError
from ingest.index import Index
from ingest.pipeline import ingest, ingest_lock
from tests.conftest import FakeEmbedder

pytestmark = pytest.mark.integration

ENTREE = """Entree-opleiding

De Entree-opleiding is bedoeld voor jongeren zonder vooropleiding. Zij hebben geen diploma van het vmbo.

Toelating

Iedereen van 16 jaar of ouder mag zich aanmelden. De opleiding duurt een jaar.
"""
BBL = """Beroepsbegeleidende leerweg

In de bbl werkt de student vier dagen per week bij een leerbedrijf en gaat hij een dag naar school.

Bekostiging

De werkgever betaalt het loon. De student betaalt het cursusgeld, tenzij de werkgever dat vergoedt.
"""


def _corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "entree.txt").write_text(ENTREE, encoding="utf-8")
    (folder / "bbl.md").write_text(BBL, encoding="utf-8")
    return folder


def _run(settings, folder, embedder=None, **kw):
    index = Index(settings, embedder or FakeEmbedder())
    return ingest([folder], settings, index, **kw), index


def test_reingest_unchanged_embeds_nothing(settings, tmp_path):
    folder = _corpus(tmp_path)
    first, index = _run(settings, folder)
    assert first.documents == 2 and first.chunks >= 2 and first.embedded == first.chunks
    emb = FakeEmbedder()
    second, index2 = _run(settings, folder, emb)
    assert second.embedded == 0 and emb.embedded == 0
    assert second.skipped == first.chunks and second.removed == 0
    assert index2.count() == first.chunks


def test_changed_document_replaces_its_chunks(settings, tmp_path):
    folder = _corpus(tmp_path)
    _run(settings, folder)
    (folder / "bbl.md").write_text(BBL.replace("vier dagen", "drie dagen"), encoding="utf-8")
    report, index = _run(settings, folder)
    assert report.embedded >= 1 and report.removed >= 1
    texts = " ".join(index._get(include=["documents"])["documents"])
    assert "drie dagen" in texts and "vier dagen" not in texts
    assert index.count() == report.chunks


def test_removed_document_is_removed(settings, tmp_path):
    folder = _corpus(tmp_path)
    first, _ = _run(settings, folder)
    (folder / "entree.txt").unlink()
    report, index = _run(settings, folder)
    assert report.documents == 1 and report.removed >= 1
    assert set(index.documents()) == {"bbl"}


def _encrypted_pdf(path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("geheim")
    with open(path, "wb") as out:
        w.write(out)


def test_bad_files_are_reported_and_the_rest_ingests(settings, tmp_path):
    folder = _corpus(tmp_path)
    first, first_index = _run(settings, folder)
    before = first_index.documents()
    (folder / "leeg.txt").write_bytes(b"")
    (folder / "kapot.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    _encrypted_pdf(folder / "geheim.pdf")
    (folder / "plaatje.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "data.xlsx").write_bytes(b"PK\x03\x04")
    # a document that was fine becomes unreadable: its chunks stay
    (folder / "entree.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "derde.txt").write_text("Derde leerweg\n\nDe derde leerweg wordt niet door OCW bekostigd.\n",
                                      encoding="utf-8")
    report, index = _run(settings, folder)
    failed = {f.path: f.reason for f in report.failed}
    assert len(report.failed) == len(failed) == 6
    # each failure names its file and says what is wrong with it
    expected = {"leeg.txt": ("empty",), "kapot.pdf": ("PDF cannot be read", "re-export"),
                "geheim.pdf": ("encrypted", "password"), "plaatje.txt": ("binary", "not text"),
                "data.xlsx": ("unsupported file type '.xlsx'", ".pdf"), "entree.txt": ("binary", "NUL")}
    assert set(failed) == {str(folder / name) for name in expected}
    for name, words in expected.items():
        reason = failed[str(folder / name)]
        assert all(w in reason for w in words), (name, reason)
    # the good files ingest; the unreadable entree.txt keeps its earlier chunks
    docs = index.documents()
    assert report.documents == 2 and set(docs) == {"entree", "bbl", "derde"}
    assert docs["entree"] == before["entree"] and docs["bbl"]["chunks"] == before["bbl"]["chunks"]
    assert index.count() == first.chunks + docs["derde"]["chunks"]
    top = index.lexical.search("derde leerweg OCW", k=1)[0][0]
    assert index.fetch([top])[top][0].doc_id == "derde"


def test_interrupted_ingest_is_repaired_without_duplicates(settings, tmp_path):
    folder = _corpus(tmp_path)
    (folder / "extra.txt").write_text("Extra\n\n" + "Een zin over de derde leerweg. " * 60, encoding="utf-8")
    with pytest.raises(RuntimeError, match="simulated crash"):
        _run(settings, folder, FakeEmbedder(fail_after=1))
    partial = Index(settings, FakeEmbedder()).count()
    report, index = _run(settings, folder)
    assert 0 < partial < report.chunks
    assert report.embedded == report.chunks - partial
    assert index.count() == report.chunks
    ids = index._get(include=[])["ids"]
    assert len(ids) == len(set(ids))
    assert len(index.lexical.ids) == report.chunks


def test_second_ingest_refuses_while_one_runs(settings):
    with ingest_lock(settings.data_dir):
        with pytest.raises(StoreError, match="another ingest"):
            with ingest_lock(settings.data_dir):
                pass


def test_missing_path_is_a_clear_error(settings, tmp_path):
    from ingest.errors import InputError

    with pytest.raises(InputError, match="no such file"):
        _run(settings, tmp_path / "nergens")


def test_an_unexpected_parser_error_is_reported_not_fatal(settings, tmp_path, monkeypatch):
    import ingest.pipeline as P

    folder = _corpus(tmp_path)
    real = P.clean

    def flaky(doc):
        if doc.meta.doc_id == "entree":
            raise ValueError("parser bug")
        return real(doc)
    monkeypatch.setattr(P, "clean", flaky)
    report, index = _run(settings, folder)
    assert report.documents == 1 and set(index.documents()) == {"bbl"}
    assert len(report.failed) == 1 and "ValueError" in report.failed[0].reason
    assert report.failed[0].path.endswith("entree.txt")


def test_ingest_stores_bm25_terms_so_the_rebuild_reads_no_text_back(settings, tmp_path, monkeypatch):
    from ingest.lexical import LexicalIndex

    folder = _corpus(tmp_path)
    index = Index(settings, FakeEmbedder())
    collection_type = type(index.collection)
    real_get = collection_type.get

    def no_texts(self, *a, **kw):  # the BM25 rebuild must take every passage's terms from the cache
        assert "documents" not in (kw.get("include") or []), "texts read back from Chroma"
        return real_get(self, *a, **kw)

    monkeypatch.setattr(collection_type, "get", no_texts)
    ingest([folder], settings, index)
    monkeypatch.setattr(collection_type, "get", real_get)
    res = index.collection.get(include=["documents", "metadatas"])
    texts = [f"{m['title']} {m['section']} {t}" for t, m in zip(res["documents"], res["metadatas"])]
    from_texts = LexicalIndex.build(res["ids"], texts)
    for query in ("cursusgeld werkgever", "Entree-opleiding 16 jaar", "leerbedrijf vier dagen"):
        assert index.lexical.search(query, k=10)
        assert index.lexical.search(query, k=10) == from_texts.search(query, k=10)


def test_bm25_rebuild_without_the_term_cache_reads_the_texts(settings, tmp_path):
    folder = _corpus(tmp_path)
    _, index = _run(settings, folder)
    before = index.lexical.search("cursusgeld werkgever", k=10)
    index.terms._conn().execute("DELETE FROM terms")
    index.terms._conn().commit()
    index.rebuild_lexical()
    assert index.lexical.search("cursusgeld werkgever", k=10) == before
    keys = [m["embed_sha"] for m in index.collection.get(include=["metadatas"])["metadatas"]]
    assert set(index.terms.get(keys)) == set(keys)  # refilled


def test_term_cache_drops_terms_of_removed_passages(settings, tmp_path):
    folder = _corpus(tmp_path)
    _, index = _run(settings, folder)
    (folder / "bbl.md").unlink()
    _, index = _run(settings, folder)
    keys = [m["embed_sha"] for m in index.collection.get(include=["metadatas"])["metadatas"]]
    stored = [k for (k,) in index.terms._conn().execute("SELECT key FROM terms")]
    assert sorted(stored) == sorted(keys)


def test_url_lines_reach_the_index_as_links_of_their_passage(settings, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "cursusgeld.txt").write_text(
        "Cursusgeld\n\nEen deelnemer aan een bekostigde bbl-opleiding betaalt cursusgeld.\n"
        "https://www.rijksoverheid.nl/hoogte-lesgeld-en-cursusgeld-mbo\n\n"
        "Erkenning\n\nBedrijven vragen erkenning aan bij SBB. Alle erkende leerbedrijven staan op "
        "een lijst die SBB bijhoudt en elk jaar opnieuw bekijkt.\n", encoding="utf-8")
    _, index = _run(settings, folder)
    from ingest.index import from_metadata

    res = index._get(where={"doc_id": "cursusgeld"}, include=["documents", "metadatas"])
    chunks = [from_metadata(i, t, m)[0] for i, t, m in zip(res["ids"], res["documents"], res["metadatas"])]
    fee = next(c for c in chunks if "betaalt cursusgeld" in c.text)
    assert fee.links == ("https://www.rijksoverheid.nl/hoogte-lesgeld-en-cursusgeld-mbo",)
    assert all("https://" not in c.text for c in chunks)
    assert all(c.links == () for c in chunks if c is not fee)
