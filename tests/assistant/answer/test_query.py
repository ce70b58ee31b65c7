"""query.py: the question type, the asked-for noun, and which question words count as
unknown to the corpus (resolve_terms against a real BM25 vocabulary)."""

import pytest

from assistant.answer import query as Q
from ingest.lexical import LexicalIndex

pytestmark = pytest.mark.unit


def _lexicon(text: str) -> LexicalIndex:
    return LexicalIndex.build(["c1"], [text])


_CORPUS = ("Meld discriminatie bij de school. De regeling wordt afgeschaft; na de afschaffing betalen "
           "wij uit welk budget dan ook scholing van cliënten. Het Leerwerkloket geeft advies per telefoon. "
           "Volgens het overzicht staat er geld voor scholing.")


def test_another_form_of_a_corpus_word_is_not_unknown():
    lex = _lexicon(_CORPUS)
    q = Q.resolve_terms(Q.parse_query("Waar meld ik dat ik gediscrimineerd word?"), lex)
    assert q.unknown == ()  # 'gediscrimineerd' ~ 'discriminatie'; 'word' is grammar, not a topic
    assert "discriminatie" in q.terms


def test_a_compound_is_not_taken_for_its_first_part():
    lex = _lexicon(_CORPUS)
    assert lex.variant("telefoonnummer") is None
    q = Q.resolve_terms(Q.parse_query("Wat is het telefoonnummer van het Leerwerkloket?"), lex)
    assert q.unknown == ("telefoonnummer",) and q.asked == "telefoonnummer"


def test_words_of_a_statement_around_the_question_are_not_unknown():
    lex = _lexicon(_CORPUS)
    q = Q.resolve_terms(Q.parse_query(
        "Ik ben klantmanager bij de gemeente. Uit welk budget betalen wij scholing voor cliënten?"), lex)
    assert "klantmanager" in q.background and q.unknown == ()
    alone = Q.resolve_terms(Q.parse_query("Uit welk budget betalen wij een klantmanager?"), lex)
    assert alone.unknown == ("klantmanager",)  # in the question proper it still counts


def test_words_about_the_documents_are_not_unknown():
    lex = _lexicon(_CORPUS)
    q = Q.resolve_terms(Q.parse_query("Hoeveel staat er volgens de investeringstabel voor scholing?"), lex)
    assert q.unknown == ()


@pytest.mark.parametrize("question, asked", [
    ("Hoeveel is het minimumjeugdloon voor een bbl-student?", "minimumjeugdlon"),
    ("Wat zijn de openingstijden van DUO?", "openingstijd"),
    ("Hoeveel vakantiedagen heeft een bbl-student?", "vakantiedag"),
    ("Wie verleent het predicaat erkend leerbedrijf?", ""),  # a verb after "wie": not an asked-for noun
    ("Hoe lang duurt de entreeopleiding?", ""),
])
def test_the_asked_for_noun(question, asked):
    assert Q.parse_query(question).asked == asked


def test_everyday_words_a_small_corpus_lacks_are_not_unknown():
    lex = _lexicon("Het cursusgeld voor 2023 is 287 euro. De opleiding duurt een jaar.")
    q = Q.resolve_terms(Q.parse_query("Hoe hoog is het cursusgeld in 2023 en hoe lang duurt het?"), lex)
    assert q.unknown == ()  # 'hoog' and 'lang' are everyday Dutch (wordfreq), not a topic
    rare = Q.resolve_terms(Q.parse_query("Hoe hoog is het minimumjeugdloon?"), lex)
    assert rare.unknown == ("minimumjeugdlon",)


@pytest.mark.parametrize("question", ["Hoe is de verhouding tussen werken en leren in de bbl?",
                                      "Welk deel van de studenten werkt?", "What share of students work?"])
def test_a_ratio_question_wants_a_number(question):
    assert Q.parse_query(question).kind == "number"


@pytest.mark.parametrize("question, lang", [
    ("word je na entree of niveau 2 nog begeleid als je gaat werken?", "nl"),  # "of" is Dutch too
    ("krijg je stufi als je bbl doet?", "nl"),
    ("How long does the entree programme take?", "en"),
    ("Do bbl students have a right to student finance?", "en"),
])
def test_language_of_the_question(question, lang):
    assert Q.language(question) == lang
