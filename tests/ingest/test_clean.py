"""Cleaning: hyphenation, running headers with page recovery, footnotes, URLs, re-flow."""

from pathlib import Path

import pytest

from assistant.types import DocMeta, LoadedDoc, Page
from ingest.clean import clean
from ingest.load import load

pytestmark = pytest.mark.unit
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _clean(text: str, pages=None):
    meta = DocMeta(doc_id="t", title="t")
    return clean(LoadedDoc(meta, tuple(pages) if pages else (Page(text),)))


WRAPPED = """Kop van de brief

Het advies «Toekomstgericht beroeps-
onderwijs» gaat over de mbo-opleiding en over het beroepsonderwijs in de regio en
de student volgt een mbo-
opleiding bij een school. De Sociaal-
Economische Raad adviseert.
"""


def test_hyphenation_joined_or_kept_by_vocabulary():
    text = _clean(WRAPPED).text
    assert "beroepsonderwijs»" in text  # syllable break: joined (the word occurs whole)
    assert "mbo-opleiding bij" in text  # real hyphen: the hyphenated form occurs in the text
    assert "Sociaal-Economische" in text  # a capital after the break keeps the hyphen
    assert "beroeps-" not in text


def test_reflow_one_line_per_paragraph_and_headings_apart():
    text = _clean(WRAPPED).text
    lines = text.strip().split("\n")
    assert lines[0] == "Kop van de brief" and lines[1] == ""
    assert lines[2].startswith("Het advies") and lines[2].endswith("adviseert.")


KAMERSTUK = """Inleiding

Dit is de eerste alinea van een brief die heel lang doorloopt over de
bekostiging van het mbo.1

1 Kamerstuk 31 524, nr. 313.

Tweede Kamer, vergaderjaar 2017–2018, 31 524, nr. 361 2

Tweede pagina met meer tekst over het mbo en de bbl, die ook lang doorloopt
naar een tweede regel.2

2 SER (maart 2017), Leren en ontwikkelen tijdens de loopbaan.

Tweede Kamer, vergaderjaar 2017–2018, 31 524, nr. 361 3
"""


def test_running_footers_removed_pages_recovered_footnotes_moved():
    doc = _clean(KAMERSTUK)
    assert "Tweede Kamer, vergaderjaar" not in doc.text
    assert doc.footnotes == ("(1) Kamerstuk 31 524, nr. 313.",
                             "(2) SER (maart 2017), Leren en ontwikkelen tijdens de loopbaan.")
    body = doc.text.split("Voetnoten")[0]
    assert "Kamerstuk 31 524" not in body and "mbo.1" not in body and "bekostiging van het mbo." in body
    assert doc.page_at(doc.text.index("bekostiging")) == 2
    assert doc.page_at(doc.text.index("Tweede pagina")) == 3


def test_bare_url_lines_become_metadata():
    doc = _clean("Meer informatie\n\nZie de site van SBB.\nhttps://www.s-bb.nl/\n\nVerder.\n")
    assert doc.urls == ("https://www.s-bb.nl/",)
    assert "https://" not in doc.text


def test_pdf_page_numbers_and_repeated_headers_dropped():
    pages = [Page(f"Werkwijzer mbo pagina kop {n}\nTekst van pagina {n} over de bbl.\n{n}", n) for n in (1, 2, 3)]
    doc = _clean("", pages)
    assert "Werkwijzer mbo pagina kop" not in doc.text
    assert [p for _, p in doc.page_starts] == [1, 2, 3]
    assert doc.page_at(doc.text.index("pagina 3")) == 3


def test_double_spaced_text_is_reflowed():
    para = "Een zin die doorloopt over de bekostiging van het beroepsonderwijs en over de\n\nvolgende regel van de brief.\n\n \n\n"
    raw = "Kop\n\n" + para * 3 + "Nieuwe alinea.\n"
    assert "over de volgende regel" in _clean(raw).text
    assert "\n\nNieuwe alinea." in _clean(raw).text


def test_real_kamerbrief_is_clean():
    doc = clean(load(CORPUS / "001_fd9009f8b6e9f126.txt"))
    assert "vergaderjaar 2017–2018" not in doc.text
    assert "«Toekomstgericht beroepsonderwijs»" in doc.text
    assert len(doc.footnotes) == 20 and doc.footnotes[1] == "(2) Kamerstuk 31 524, nr. 313."
    assert doc.page_at(doc.text.index("Conclusie")) == 10


def test_generated_pdf_with_header_footer_hyphen_and_footnote(tmp_path):
    """A real PDF (fpdf2) through load + clean: running header and page-number footer removed,
    a word hyphenated across lines re-joined, the footnote moved out, page numbers kept."""
    fpdf = pytest.importorskip("fpdf")

    class Brief(fpdf.FPDF):
        def header(self):
            self.set_font("helvetica", size=9)
            self.cell(0, 8, "Werkwijzer Leren en werken via het mbo", new_x="LMARGIN", new_y="NEXT")

        def footer(self):
            self.set_y(-15)
            self.set_font("helvetica", size=9)
            self.cell(0, 8, str(self.page_no()), align="C")

    pdf = Brief()
    pdf.set_font("helvetica", size=11)
    bodies = [
        "Bekostiging\n\nDe student volgt het middelbaar beroeps-\nonderwijs in de bbl en betaalt cursusgeld.1"
        "\n\n1 Kamerstuk 31 524, nr. 313.",
        "Toelating\n\nDe entreeopleiding is bedoeld voor jongeren zonder diploma van het vmbo.",
        "Duur\n\nDe opleiding duurt een jaar en leidt op voor werk op niveau 1.",
    ]
    for body in bodies:
        pdf.add_page()
        pdf.multi_cell(0, 6, body)
    f = tmp_path / "werkwijzer.pdf"
    pdf.output(str(f))
    doc = clean(load(f))
    assert "Werkwijzer Leren en werken via het mbo" not in doc.text  # running header
    assert not any(line.strip() in ("1", "2", "3") for line in doc.text.splitlines())  # page numbers
    assert "beroepsonderwijs in de bbl" in doc.text and "beroeps-" not in doc.text
    assert doc.footnotes == ("(1) Kamerstuk 31 524, nr. 313.",)
    assert "cursusgeld." in doc.text and "cursusgeld.1" not in doc.text
    assert doc.page_at(doc.text.index("entreeopleiding")) == 2
    assert doc.page_at(doc.text.index("duurt een jaar")) == 3
