"""asks: a caseworker's message split into context and asks; hits merged per ask."""

import pytest

from assistant.answer.asks import Asks, merge_hits, split_asks
from ingest.types import Chunk, DocMeta, Hit

pytestmark = pytest.mark.unit


def test_a_situation_with_two_asks_in_one_sentence():
    a = split_asks("Mijn cliënt is 45 en heeft een WW-uitkering. Mag hij een bbl-opleiding volgen, "
                   "en zo niet, wie betaalt dan een cursus?")
    assert a.context == "Mijn cliënt is 45 en heeft een WW-uitkering."
    assert a.asks == ("Mag hij een bbl-opleiding volgen?", "Wie betaalt dan een cursus?")
    assert a.queries()[1] == "Mijn cliënt is 45 en heeft een WW-uitkering. Wie betaalt dan een cursus?"


def test_two_questions_and_english():
    assert split_asks("Wat is de bbl? Hoe lang duurt die?").asks == ("Wat is de bbl?", "Hoe lang duurt die?")
    assert split_asks("Can my client keep his benefit, and who pays the course?").asks == (
        "Can my client keep his benefit?", "Who pays the course?")


@pytest.mark.parametrize("message", [
    "Hoeveel uur beroepspraktijkvorming volgt een bbl-student?",
    "Wat is het verschil tussen bol en bbl en hoe lang duren ze?",  # no comma: one ask (a list)
    "Wie betaalt het cursusgeld in de bbl: en wie kan dat vergoeden?",
])
def test_one_ask_stays_the_message(message):
    assert split_asks(message) == Asks("", (message,))


def test_merge_takes_turns_keeps_each_chunk_once_and_renumbers():
    meta = DocMeta(doc_id="d", title="d")
    h = {c: Hit(1, Chunk(c, "d", c), meta, 1.0) for c in "abcd"}
    merged = merge_hits([[h["a"], h["b"], h["c"]], [h["b"], h["d"]]], k=3)
    assert [x.chunk.chunk_id for x in merged] == ["a", "b", "d"] and [x.rank for x in merged] == [1, 2, 3]


def test_a_comparison_becomes_one_ask_per_side_on_the_same_aspect():
    a = split_asks("Wat is het verschil tussen de bol en de bbl wat betreft de tijd op school?")
    assert a.asks == ("De bol: de tijd op school?", "De bbl: de tijd op school?")
    en = split_asks("What is the difference between a roc and an aoc in terms of funding?")
    assert en.asks == ("A roc: funding?", "An aoc: funding?")
    # "hoog- en laagconjunctuur" is one thing, not two sides
    one = "Wat is het verschil tussen hoog- en laagconjunctuur wat betreft werk?"
    assert split_asks(one).asks == (one,)
