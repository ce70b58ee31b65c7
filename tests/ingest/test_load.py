"""Loaders: text, Markdown, HTML (main text only) and PDF (page numbers), and clear failures."""

import pytest

from ingest.errors import LoadError
from ingest.types import DocMeta
from ingest.load import load, slug

pytestmark = pytest.mark.unit


def test_txt_gets_metadata_from_its_file(tmp_path):
    f = tmp_path / "Entree Opleiding.txt"
    f.write_text("Entreeopleiding\n\nDe opleiding duurt een jaar.\n", encoding="utf-8")
    doc = load(f)
    assert doc.meta.doc_id == "entree-opleiding" and doc.meta.title == "Entreeopleiding"
    assert len(doc.meta.sha256) == 64
    assert doc.pages[0].number is None and "duurt een jaar" in doc.pages[0].text


def test_manifest_metadata_is_kept(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Tekst", encoding="utf-8")
    doc = load(f, DocMeta(doc_id="wkg", title="Werkagenda", doc_type="Kamerbrief"))
    assert doc.meta.doc_id == "wkg" and doc.meta.doc_type == "Kamerbrief" and doc.meta.sha256


def test_cp1252_text_is_decoded(tmp_path):
    f = tmp_path / "oud.txt"
    f.write_bytes("Coördinatiefunctie en beëindiging".encode("cp1252"))
    assert "Coördinatiefunctie" in load(f).pages[0].text


def test_html_keeps_main_text_not_navigation(tmp_path):
    f = tmp_path / "pagina.html"
    f.write_text("""<html><head><title>t</title><script>var x=1;</script></head><body>
      <nav><a href="/">Home</a> <a href="/menu">Menu-item</a></nav>
      <header>Kopregel van de site</header>
      <main><h1>Derde leerweg</h1><p>De derde leerweg is niet bekostigd.</p>
      <ul><li>Eerste punt</li></ul><table><tr><td>RMC</td><td>25,0</td></tr></table></main>
      <footer>Cookies en privacy</footer></body></html>""", encoding="utf-8")
    text = load(f).pages[0].text
    assert "De derde leerweg is niet bekostigd." in text and "- Eerste punt" in text
    assert "RMC 25,0" in text
    for noise in ("Menu-item", "Kopregel", "Cookies", "var x"):
        assert noise not in text
    assert load(f).meta.doc_type == "web page"


def test_pdf_keeps_page_numbers(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_font("helvetica", size=12)
    for text in ("Eerste pagina over de bbl.", "Tweede pagina over de bol."):
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    f = tmp_path / "brief.pdf"
    pdf.output(str(f))
    doc = load(f)
    assert [p.number for p in doc.pages] == [1, 2]
    assert "bol" in doc.pages[1].text and "bbl" in doc.pages[0].text


def test_encrypted_pdf_is_refused_clearly(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("geheim")
    f = tmp_path / "geheim.pdf"
    with open(f, "wb") as out:
        w.write(out)
    with pytest.raises(LoadError, match="encrypted") as err:
        load(f)
    assert "geheim.pdf" in str(err.value)


@pytest.mark.parametrize("name,data,reason", [
    ("leeg.txt", b"   \n", "empty"),
    ("kapot.pdf", b"%PDF-1.4\n1 0 obj <<", "cannot be read"),
    ("plaatje.txt", bytes(range(256)) * 8, "binary"),
    ("tabel.xlsx", b"PK\x03\x04", "unsupported"),
])
def test_bad_files_name_the_file_and_reason(tmp_path, name, data, reason):
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(LoadError, match=reason) as err:
        load(f)
    assert name in str(err.value)


def test_slug():
    assert slug("Werkwijzer Leren & Wérken") == "werkwijzer-leren-werken"
    assert slug("***") == "document"
