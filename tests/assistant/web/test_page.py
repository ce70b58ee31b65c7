"""Answer and sources rendering: markers become links, the quote is highlighted, text escaped."""

import pytest

from assistant.web.terms import load_terms
from assistant.web.page import answer_html, highlight, linked_text, sources_html, stream_pieces
from ingest.types import Chunk, DocMeta, Hit
from assistant.answer.types import Answer, Citation

pytestmark = pytest.mark.unit

PASSAGE = ("In de bbl werkt de student vier dagen per week bij een erkend leerbedrijf.\n"
           "De bbl-student volgt minimaal 610 uur beroepspraktijkvorming per jaar. Kosten <script>x</script>.")
CHUNK = Chunk("c1", "fixture-bbl", PASSAGE, "Bekostiging", 3, 100, 300)
META = DocMeta("fixture-bbl", "Fixture: de bbl & meer", doc_type="werkwijzer", date="2023-01-15")
HIT = Hit(1, CHUNK, META, 0.5)
ANSWER = Answer("Hoeveel uur?", "De bbl-student volgt minimaal 610 uur beroepspraktijkvorming per jaar. [1]",
                True, "extractive", citations=(Citation(1, HIT, "De bbl-student volgt minimaal 610 uur "
                                                               "beroepspraktijkvorming per jaar."),),
                notes=("Het taalmodel gaf geen antwoord; dit antwoord is extractief samengesteld.",))


def test_markers_become_links_to_the_sources_panel():
    out = answer_html(ANSWER, 4)
    assert '<a class="cite" href="#bron-4-1"' in out and ">[1]</a>" in out
    assert "extractief samengesteld" in out and 'class="notities"' in out
    assert "\n\n" not in out


def test_unknown_marker_stays_text_and_multi_markers_split():
    out = linked_text("A [1, 2]. B [7].", 1, 2)
    assert 'href="#bron-1-1"' in out and 'href="#bron-1-2"' in out and "[7]" in out and "bron-1-7" not in out


def test_terms_in_answers_get_definitions():
    out = answer_html(ANSWER, 1, load_terms())
    assert '<a class="term" href="#begrip-bbl"' in out and "beroepsbegeleidende leerweg" in out


def test_quote_is_highlighted_across_line_breaks_and_text_escaped():
    out = highlight(PASSAGE, "erkend leerbedrijf. De bbl-student volgt minimaal 610 uur")
    assert "<mark>" in out and "&lt;script&gt;" in out and "<script>" not in out
    marked = highlight(PASSAGE, "In de bbl werkt de student vier dagen per week bij een erkend leerbedrijf.")
    assert marked.startswith("<mark>In de bbl werkt")
    assert highlight(PASSAGE, "niet aanwezig") == highlight(PASSAGE, "").replace("<mark>", "")


def test_sources_panel_shows_metadata_quote_and_context():
    before = Chunk("c0", "fixture-bbl", "Tekst ervoor.", start=0, end=99)
    after = Chunk("c2", "fixture-bbl", "Tekst erna.", start=301, end=400)
    out = sources_html([(4, ANSWER)], lambda ch: ([before], [after]))
    assert 'id="bron-4-1"' in out and "Fixture: de bbl &amp; meer" in out
    assert "Werkwijzer" in out and "2023-01-15" in out and "§ Bekostiging" in out and "p. 3" in out
    assert "<mark>De bbl-student volgt minimaal 610 uur beroepspraktijkvorming per jaar.</mark>" in out
    assert "Lees de tekst eromheen" in out and "Tekst ervoor." in out and "Tekst erna." in out
    assert "de hele tekst van het document" in sources_html([(4, ANSWER)], lambda ch: ([], []))
    assert "Lees de tekst eromheen" not in sources_html([(4, ANSWER)])


def test_refusal_is_plain_and_has_no_sources():
    refusal = Answer("Wat kost een fiets?", "Dat staat niet in de documenten. Het document dat er het dichtst bij "
                     "komt (X) verwijst naar www.duo.nl.", False, "extractive")
    out = answer_html(refusal, 2)
    assert "weigering" in out and "Dat staat niet in de documenten." in out and "www.duo.nl" in out
    assert "Geen bronnen" in sources_html([(2, refusal)])
    assert "Stel een vraag" in sources_html([])


def test_older_turns_are_collapsed():
    out = sources_html([(1, ANSWER), (2, ANSWER)])
    assert out.index('id="beurt-2" open') < out.index('id="beurt-1"')
    assert 'id="beurt-1" open' not in out


def test_stream_pieces_grow_sentence_by_sentence():
    pieces = stream_pieces("Eén zin [1]. Twee zinnen [2].")
    assert len(pieces) == 2 and pieces[-1] == "Eén zin [1]. Twee zinnen [2]."


def test_dutch_messages_for_bad_input():
    from assistant.answer.chain import check_question
    from ingest.errors import InputError, StoreError
    from assistant.web.ui import dutch_error, thanks, too_long

    with pytest.raises(InputError) as err:
        check_question("wat\x07is dit")
    assert dutch_error(err.value).startswith("De vraag bevat stuurtekens")
    assert "Probeer het later opnieuw" in dutch_error(StoreError("index locked"))
    assert too_long("x" * 2001, 2000) == ("Uw vraag is 2001 tekens lang; het maximum is 2000. "
                                          "Maak de vraag korter en probeer het opnieuw.")
    # the page's own sentences follow the audience switch: u for professionals, je for students
    assert too_long("x" * 2001, 2000, "student").startswith("Je vraag is 2001 tekens lang")
    assert thanks("professional") == "Bedankt! Uw feedback is opgeslagen."
    assert thanks("student", comment=True) == "Bedankt! Je feedback is opgeslagen. (met toelichting)"


def test_markdown_heading_lines_show_as_bold_text_not_hashes():
    out = highlight("## Bekostiging\nDe werkgever betaalt het loon.", "De werkgever betaalt het loon.")
    assert out == "<strong>Bekostiging</strong><br><mark>De werkgever betaalt het loon.</mark>"
