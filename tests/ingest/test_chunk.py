import pytest

from ingest.types import CleanDoc, DocMeta
from ingest.chunk import chunk, chunk_id

pytestmark = pytest.mark.unit

TEXT = """Leren en werken via het mbo

1. Re-integratie

Het volgen van een opleiding in het mbo kan onderdeel van de re-integratie van werkzoekenden zijn. Dit wordt vaak met gemeenten en UWV vormgegeven.

5. Financiering

5.2 Levensonderhoud

Een uitkering kan tijdens de opleiding doorlopen. Het UWV beslist daarover.
Er zijn drie routes:
• de bbl, waarin de student werkt en leert;
• de bol, met stages;
• de derde leerweg.

Bijlage 1: Investeringen

bedrag x € 1 mln 2022 2023 2024 2025 2026 2027 struc
Bevorderen kansengelijkheid:
Mbo 2 80,0 100,0 165,0 150,0 150,0 150,0 150,0
Regionale Meld- en Coördinatiefunctie (RMC) 0 0 0 25,0 25,0 25,0 25,0
Verbeteren aansluiting onderwijs-arbeidsmarkt:
Loopbaanoriëntatie en -begeleiding (LOB) 20,0 33,0 33,0 33,0 33,0 33,0 33,0

Na de tabel volgt weer gewone tekst over de Werkagenda en haar doelen voor studenten.
"""


def _doc(text=TEXT, pages=()):
    return CleanDoc(DocMeta(doc_id="d1", title="Test"), text, page_starts=pages)


def test_chunks_follow_sections_and_offsets_point_into_text():
    chunks = chunk(_doc(), size=300, min_size=50)
    by_section = {c.section: c for c in chunks}
    assert "Leren en werken via het mbo > 1. Re-integratie" in by_section
    lev = by_section["Leren en werken via het mbo > 5. Financiering > 5.2 Levensonderhoud"]
    assert "uitkering" in lev.text and lev.kind == "list"
    for c in chunks:
        if c.kind != "table":
            assert TEXT[c.start:c.end] == c.text


def test_table_rows_stay_whole_and_carry_the_header():
    chunks = chunk(_doc(), size=300, min_size=50)
    tables = [c for c in chunks if c.kind == "table"]
    rmc = [c for c in tables if "Regionale Meld- en Coördinatiefunctie (RMC) 0 0 0 25,0" in c.text]
    assert len(rmc) == 1
    assert rmc[0].text.startswith("bedrag x € 1 mln 2022 2023 2024 2025")
    lob = [c for c in tables if "Loopbaanoriëntatie" in c.text][0]
    assert lob.text.startswith("bedrag x € 1 mln") and "Verbeteren aansluiting" in lob.text
    assert all(c.section.startswith("Bijlage 1") for c in tables)
    after = [c for c in chunks if "Na de tabel" in c.text][0]
    assert after.kind == "text" and "25,0" not in after.text


def test_long_paragraph_is_split_at_sentences_within_size():
    sentence = "De student volgt de opleiding in de beroepsbegeleidende leerweg bij een erkend leerbedrijf. "
    text = "Kop\n\n" + sentence * 20
    chunks = chunk(_doc(text), size=300, min_size=50)
    assert len(chunks) > 3
    for c in chunks:
        assert len(c.text) <= 300 + 100
        assert c.text.endswith(".")
        assert text[c.start:c.end] == c.text


def test_ids_are_content_derived_and_stable():
    a = chunk(_doc(), size=300, min_size=50)
    b = chunk(_doc(), size=300, min_size=50)
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert len({c.chunk_id for c in a}) == len(a)
    assert chunk_id("d1", 0, "s", "x") != chunk_id("d1", 1, "s", "x")


def test_page_numbers_come_from_page_starts():
    text = "Eerste pagina tekst over de bbl en de bol en nog wat meer woorden.\n\nTweede pagina tekst over de Entree-opleiding voor jongeren."
    second = text.index("Tweede")
    chunks = chunk(_doc(text, pages=((0, 1), (second, 2))), size=100, min_size=10)
    assert [c.page for c in chunks] == [1, 2]


def test_too_small_size_is_refused():
    with pytest.raises(ValueError, match="too small"):
        chunk(_doc(), size=10)


def test_short_lines_after_a_colon_are_list_items_not_headings():
    text = ("7.2 UWV\n\nUWV voert de volgende uitkeringen uit, en heeft bij veel daarvan ook een taak:\n\n"
            "WW\nWAO\nWajong\n\nUWV heeft de Beleidsregels Scholing. Daarin staat wanneer scholing nodig is.\n\n"
            "Startkwalificatie\n\nEen startkwalificatie is een diploma mbo niveau 2 of hoger.")
    chunks = chunk(_doc(text), size=900, min_size=10)
    uwv = next(c for c in chunks if "uitkeringen uit" in c.text)
    assert "WW\nWAO\nWajong" in uwv.text and uwv.section == "7.2 UWV"  # "WW" did not start a section
    start = next(c for c in chunks if "Een startkwalificatie" in c.text)
    assert start.section.endswith("Startkwalificatie")  # a heading after a paragraph still is one


def test_markdown_headings_are_sections_with_their_level_and_without_the_hashes():
    text = ("# Beroepsbegeleidende leerweg\n\nIn de bbl werkt de student vier dagen per week bij een leerbedrijf.\n\n"
            "## Bekostiging\n\nDe werkgever betaalt het loon.\n\n"
            "# Entree\n\nDe entreeopleiding is er voor mensen vanaf 16 jaar.")
    chunks = chunk(_doc(text), size=100, min_size=10)
    assert [c.section for c in chunks] == ["Beroepsbegeleidende leerweg", "Beroepsbegeleidende leerweg > Bekostiging",
                                           "Entree"]


def test_url_lines_become_links_of_the_passage_they_stood_after_not_text_or_id():
    text = ("Cursusgeld\n\nEen deelnemer aan een bbl-opleiding betaalt cursusgeld.\n\n"
            "Erkenning\n\nBedrijven vragen erkenning aan bij SBB.")
    after_fee = text.index("cursusgeld.") + len("cursusgeld.")
    after_sbb = len(text)
    doc = CleanDoc(DocMeta(doc_id="d1", title="Test"), text,
                   url_at=((after_fee, "https://www.rijksoverheid.nl/cursusgeld"), (after_sbb, "https://www.s-bb.nl/")))
    fee, sbb = chunk(doc, size=100, min_size=10)
    assert fee.links == ("https://www.rijksoverheid.nl/cursusgeld",) and sbb.links == ("https://www.s-bb.nl/",)
    assert "https" not in fee.text + sbb.text
    assert [c.chunk_id for c in chunk(CleanDoc(doc.meta, text), size=100, min_size=10)] == [fee.chunk_id, sbb.chunk_id]
