"""compose: what a refusal may point to (a website the closest passages name), and the date note."""

import pytest

from assistant.answer.compose import pointers, refusal
from ingest.types import Chunk, DocMeta, Hit

pytestmark = pytest.mark.unit

WERKWIJZER = DocMeta(doc_id="ww", title="Werkwijzer", path="ww.txt")


def _hit(text: str, links: tuple[str, ...] = (), rank: int = 1) -> Hit:
    return Hit(rank, Chunk(f"c{rank}", "ww", text, links=links), WERKWIJZER, 1.0)


def test_an_unrelated_question_gets_no_pointer_even_when_a_passage_names_a_site():
    hits = [_hit("Kamerbrief over kaders Werkagenda mbo, 2022, te vinden op Rijksoverheid.nl.")]
    assert pointers(hits, "nl", "Wie won het WK voetbal in 2022?") == ""
    assert refusal("Wie won het WK voetbal in 2022?", "nl", "extractive", hits).text == "Dat staat niet in de documenten."


def test_a_site_named_in_a_sentence_about_the_question_is_pointed_to():
    hits = [_hit("De bbl duurt meestal twee jaar. Erkende leerbedrijven staan op leerbanenmarkt.nl.")]
    out = pointers(hits, "nl", "Welke leerbedrijven in Utrecht hebben nu plek?")
    assert out == "Het document dat er het dichtst bij komt (Werkwijzer) verwijst naar leerbanenmarkt.nl."
    # the word must be outside the address: "leerbanenmarkt" alone does not make a match
    assert pointers(hits, "nl", "Wat is de leerbanenmarkt?") == ""


def test_links_listed_with_a_passage_count_and_the_best_matching_address_comes_first():
    links = ("https://www.rijksoverheid.nl/onderwerpen/mbo/opleidingen-en-leerwegen",
             "https://www.rijksoverheid.nl/onderwerpen/mbo/hoogte-lesgeld-en-cursusgeld-mbo")
    hits = [_hit("Een deelnemer aan een bbl-opleiding betaalt cursusgeld.", links)]
    out = pointers(hits, "en", "Hoeveel cursusgeld betaal ik in 2024?")
    assert out.startswith("The closest document (Werkwijzer) refers to https://www.rijksoverheid.nl/onderwerpen/mbo/hoogte-lesgeld")
    assert pointers(hits, "nl", "Hoeveel vakantiedagen heeft een leerling?") == ""  # the passage is not about it


def _dated(doc_id: str, doc_type: str, date: str, rank: int) -> Hit:
    return Hit(rank, Chunk(f"{doc_id}-{rank}", doc_id, "tekst"), DocMeta(doc_id=doc_id, title=doc_id,
                                                                           doc_type=doc_type, date=date), 1.0)


@pytest.mark.unit
def test_date_note_names_each_old_document_with_its_own_year_and_markers():
    import datetime as dt

    from assistant.answer.compose import date_note

    cited = [_dated("ww", "werkwijzer", "2019-10-01", 1), _dated("brief", "Kamerbrief", "2022-09-05", 2),
             _dated("ww", "werkwijzer", "2019-10-01", 3), _dated("nieuw", "Kamerbrief", "2026-06-01", 4)]
    today = dt.date(2026, 12, 1)
    assert date_note(cited, "nl", today, 3) == ("Let op: dit komt uit de werkwijzer (2019-10-01) [1][3] en de "
                                                "Kamerbrief (2022-09-05) [2]; controleer of het nog actueel is.")
    assert date_note(cited[:1], "en", today, 3) == ("Note: this comes from the werkwijzer (2019-10-01) [1]; "
                                                    "check whether it still applies.")
    assert date_note(cited[3:], "nl", today, 3) == ""  # a recent document needs no note
