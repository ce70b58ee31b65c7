"""Cleaning: hyphenation, running headers with page recovery, footnotes, URLs, re-flow."""

from pathlib import Path

import pytest

from ingest.types import DocMeta, LoadedDoc, Page
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


HEADER = "Samenwerkingsorganisatie Beroepsonderwijs Bedrijfsleven"
FOOTER = "Werkwijzer Leren en werken via het mbo \u2013 versie 2023"
# the body as typeset: "\n" is a line break in the PDF, so "beroeps-", "mbo-" and "leer-" end a line
PDF_PAGES = [
    ("Bekostiging",
     "De student in de beroepsbegeleidende leerweg volgt het middelbaar beroeps-\n"
     "onderwijs en werkt daarnaast bij een erkend leerbedrijf. Wie een mbo-opleiding\n"
     "in de bbl volgt en 18 jaar of ouder is, betaalt cursusgeld aan de school.1 De werkgever\n"
     "vergoedt dat bedrag vaak.",
     "1 Kamerstuk 31 524, nr. 313."),
    ("Toelating",
     "De entreeopleiding is bedoeld voor jongeren van 16 jaar of ouder zonder diploma. Na de\n"
     "entreeopleiding kan de student doorstromen naar een mbo-\n"
     "opleiding op niveau 2 en zo een startkwalificatie halen.", None),
    ("Duur",
     "De opleiding duurt een jaar en leidt op voor werk op niveau 1. Een leer-werktraject\n"
     "combineert leren en werken; het leer-\n"
     "werktraject duurt korter.", None),
]


def _footer_cells(layout: str, n: int) -> list[tuple[str, str, bool]]:
    """(text, align, new line after) per footer cell: footer text and page number n."""
    return {
        "number right": [(FOOTER, "L", False), (str(n), "R", False)],  # same line
        "number below": [(FOOTER, "C", True), (str(n), "C", False)],
        "pagina n": [(f"{FOOTER} | pagina {n}", "L", False)],
        "number first": [(f"{n}   {FOOTER}", "L", False)],
        "pagina n van 3": [(FOOTER, "L", False), (f"pagina {n} van 3", "R", False)],
    }[layout]


def _werkwijzer_pdf(path, layout: str):
    fpdf = pytest.importorskip("fpdf")

    class Werkwijzer(fpdf.FPDF):
        def header(self):
            self.set_font("helvetica", size=9)
            self.cell(0, 8, HEADER, new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self):
            self.set_y(-15)
            self.set_font("helvetica", size=8)
            for text, align, newline in _footer_cells(layout, self.page_no()):
                self.set_x(self.l_margin)
                self.cell(0, 5, text, align=align, new_x="LMARGIN", new_y="NEXT" if newline else "TOP")

    pdf = Werkwijzer()
    pdf.core_fonts_encoding = "windows-1252"  # the en dash in the footer
    for head, body, note in PDF_PAGES:
        pdf.add_page()
        pdf.set_font("helvetica", "B", 12)
        pdf.cell(0, 8, head, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, body)
        if note:  # small print above the footer, under a short rule
            pdf.set_y(-32)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 50, pdf.get_y())
            pdf.set_font("helvetica", size=8)
            pdf.multi_cell(0, 5, note)
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("layout", [
    "number right", "number below", "pagina n",
    # the page number before the footer text, and "pagina N van M" after it
    "number first",
    "pagina n van 3",
])
def test_generated_pdf_with_header_footer_hyphen_and_footnote(tmp_path, layout):
    """A real PDF (fpdf2) through load + clean: running header, footer text and page numbers
    removed, line-end hyphens joined or kept, the footnote moved out, page numbers kept."""
    doc = clean(load(_werkwijzer_pdf(tmp_path / "werkwijzer.pdf", layout)))
    body, _, notes = doc.text.partition("\n\nVoetnoten\n\n")
    assert HEADER not in doc.text
    assert "Werkwijzer" not in doc.text and "versie 2023" not in doc.text  # running footer text
    assert "pagina" not in doc.text
    assert not [line for line in doc.text.splitlines() if line.strip().isdigit()]  # page numbers
    assert body.splitlines()[:2] == ["Bekostiging", "De student in de beroepsbegeleidende leerweg volgt het "
                                     "middelbaar beroepsonderwijs en werkt daarnaast bij een erkend leerbedrijf. "
                                     "Wie een mbo-opleiding in de bbl volgt en 18 jaar of ouder is, betaalt "
                                     "cursusgeld aan de school. De werkgever vergoedt dat bedrag vaak."]
    assert "doorstromen naar een mbo-opleiding op niveau 2" in body  # "mbo-" is a real hyphen
    assert "het leer-werktraject duurt korter" in body  # the document spells it with a hyphen
    assert "beroeps-" not in body and "mboopleiding" not in body and "leerwerktraject" not in body
    assert doc.footnotes == ("(1) Kamerstuk 31 524, nr. 313.",) and notes == "(1) Kamerstuk 31 524, nr. 313.\n"
    assert "Kamerstuk" not in body and "cursusgeld aan de school.1" not in body
    assert [p for _, p in doc.page_starts] == [1, 2, 3]
    assert doc.page_at(doc.text.index("beroepsonderwijs")) == 1
    assert doc.page_at(doc.text.index("mbo-opleiding op niveau 2")) == 2
    assert doc.page_at(doc.text.index("leer-werktraject duurt")) == 3
