from dataclasses import replace

import numpy as np
import pytest

from assistant.answer import extractive as X
from assistant.answer import query as Q
from assistant.answer.selection import FEATURES, Logistic, neutral
from ingest.types import Chunk, DocMeta, Hit
from ingest.units import row_text, sentences_of
from ingest.lexical import LexicalIndex

pytestmark = pytest.mark.unit


def _chunk(text: str, kind: str = "text") -> Chunk:
    return Chunk("c1", "doc", text, "Sectie", 1, 0, len(text), kind)


def _texts(text: str, kind: str = "text") -> list[str]:
    return [t for t, _, _ in sentences_of(_chunk(text, kind))]


def test_a_bare_heading_is_no_answer_unit():
    units = _texts("Startkwalificatie\nEen startkwalificatie is een diploma mbo niveau 2 of hoger, havo of vwo.")
    assert units == ["Een startkwalificatie is een diploma mbo niveau 2 of hoger, havo of vwo."]


def test_a_list_introduction_comes_with_its_items():
    text = ("UWV voert de volgende uitkeringen uit:\n\nWW\nWAO\nWajong\n\n"
            "UWV heeft de Beleidsregels Scholing.")
    units = sentences_of(_chunk(text))
    shown, quote, start = units[0]
    assert shown == "UWV voert de volgende uitkeringen uit: WW; WAO; Wajong."
    assert text[start:start + len(quote)] == quote and quote.endswith("Wajong")
    assert "UWV heeft de Beleidsregels Scholing." in [u[0] for u in units]  # not swallowed as an item


def test_a_sentence_that_leans_on_the_previous_one_is_also_offered_with_it():
    text = "Gemeenten krijgen geld voor re-integratie. Dat geld zit in het Participatiebudget."
    units = _texts(text)
    assert "Dat geld zit in het Participatiebudget." in units
    assert text in units  # the pair, so the quoted answer says which money
    assert _texts("Gemeenten krijgen geld. Gemeenten beslissen zelf.") == [
        "Gemeenten krijgen geld.", "Gemeenten beslissen zelf."]


def test_a_line_broken_mid_sentence_is_joined():
    text = "Het totale financiële\nkader tot en met 2027\nbedraagt circa €4,6 miljard."
    units = sentences_of(_chunk(text))
    assert units == [("Het totale financiële kader tot en met 2027 bedraagt circa €4,6 miljard.", text, 0)]


def test_offsets_point_at_the_quote():
    text = "Eerste zin staat hier. Dit is de tweede zin die erop leunt."
    for _, quote, start in sentences_of(_chunk(text)):
        assert text[start:start + len(quote)] == quote


def test_table_rows_pair_values_with_years():
    head = "bedrag x € 1 mln 2022 2023 2024"
    assert row_text(head, "Mbo 2 80,0 100,0 165,0") == "Mbo 2 (bedrag x € 1 mln): 2022: 80,0; 2023: 100,0; 2024: 165,0."
    assert row_text(head, "Mbo 2 80,0 100,0 165,0", ("2024",)) == "Mbo 2 (bedrag x € 1 mln): 2024: 165,0."


def test_a_row_with_fewer_values_than_years_is_not_assigned_to_years():
    out = row_text("bedrag x € 1 mln 2022 2023 2024 2025", "Mbo niveau 2 100,0")
    assert out.startswith("Mbo niveau 2 (") and out.endswith(": 100,0.")
    assert "2024: " not in out and "niet per jaar" in out


# ---- how the features of extract() move a unit's score (an explicit selector, so the
# mechanics are tested apart from the fitted numbers; test_selection.py checks those)

_COEF = {"sem": 4.0, "lex": 1.0, "type_miss": -1.0, "year_miss": -2.0, "unknown": -1.0, "asked_unknown": -2.0}
_SEL = replace(neutral(), unit=Logistic(mean=(0.0,) * len(FEATURES), scale=(1.0,) * len(FEATURES),
                                         coef=tuple(_COEF.get(f, 0.0) for f in FEATURES), intercept=-3.0))


class _Vectors:
    """Every unit gets the same cosine to the question, so only the other features decide."""

    def get(self, texts):
        return np.ones((len(texts), 1), dtype=np.float32)


def _hit(text: str) -> Hit:
    return Hit(1, _chunk(text), DocMeta(doc_id="doc", title="T", path="t.txt"), 1.0)


def _pick(question: str, text: str) -> str:
    q = Q.parse_query(question)
    picks = X.extract(q, [_hit(text)], lambda t: 1.0, qvec=[0.9], vectors=_Vectors(), selector=_SEL)
    return picks[0].text


def test_a_how_much_question_prefers_the_sentence_with_a_number():
    text = "De subsidie is bedoeld voor werkgevers met een leerbaan. Het bedrag is 2.700 euro per plaats."
    assert _pick("Hoeveel subsidie krijgt een werkgever?", text) == "Het bedrag is 2.700 euro per plaats."


def test_a_question_naming_a_year_prefers_the_sentence_with_that_year():
    text = "In 2023 krijgt de regio 10 miljoen extra. In 2024 krijgt de regio 12 miljoen extra."
    assert _pick("Hoeveel krijgt de regio in 2024?", text) == "In 2024 krijgt de regio 12 miljoen extra."
    assert _pick("Hoeveel krijgt de regio in 2023?", text) == "In 2023 krijgt de regio 10 miljoen extra."


def test_every_unit_carries_its_features_in_the_selectors_order():
    q = Q.parse_query("Hoeveel krijgt de regio in 2024?")
    ranked = X.rank(q, [_hit("In 2023 krijgt de regio 10 miljoen extra. Dat geld gaat naar de scholen in de regio.")], lambda t: 1.0,
                    qvec=[0.9], vectors=_Vectors(), selector=_SEL)
    f = {p.text: dict(zip(FEATURES, p.features)) for p in ranked}
    first = f["In 2023 krijgt de regio 10 miljoen extra."]
    assert first["year_miss"] == 1.0 and first["type_miss"] == 0.0 and first["sem"] == pytest.approx(0.9)
    assert first["leans"] == 0.0 and any(v["leans"] == 1.0 for v in f.values())
    assert all(p.score == pytest.approx(_SEL.probability(p.features)) for p in ranked)


def test_a_followups_own_words_weigh_more_than_the_added_topic():
    q = Q.parse_query("cursusgeld bbl: En wie kan dat vergoeden?", own="En wie kan dat vergoeden?")
    assert "vergoed" in q.own and "cursusgeld" not in q.own
    idf = lambda t: 1.0  # noqa: E731
    a = X.score(q, "De werkgever kan het cursusgeld vergoeden.", "", 0, idf)
    b = X.score(q, "De deelnemer betaalt cursusgeld in de bbl.", "", 0, idf)
    assert a > b


# ---- the unknown-word features (which words are unknown: test_query.py)

def _best(lex, hits, question):
    """(score of the best unit, resolved query) with equal cosines, so the other features decide."""
    q = Q.resolve_terms(Q.parse_query(question), lex)
    return X.rank(q, hits, lex.idf, qvec=[0.9], vectors=_Vectors(), selector=_SEL)[0].score, q


def test_unknown_words_lower_the_score_and_an_unknown_asked_noun_lowers_it_more():
    text = "Het Leerwerkloket geeft advies per brief aan werkzoekenden."
    hits = [_hit(text)]
    lex = LexicalIndex.build(["c1"], [text])

    def best(question):
        return _best(lex, hits, question)[0]

    known = best("Wat geeft het Leerwerkloket?")
    one = best("Wat geeft het Leerwerkloket in Zwolle?")  # 'zwoll' unknown, not what is asked
    asked = best("Wat is het faxnummer van het Leerwerkloket?")  # the asked-for noun is unknown
    assert known > one > asked


def test_an_unseen_compound_of_two_corpus_words_counts_half():
    lex = LexicalIndex.build(["c1"], ["Het certificaat geldt voor het hele traject. De student krijgt "
                                      "studiefinanciering."])
    assert lex.is_compound("certificaattraject") and not lex.is_compound("erwtensoep")
    hits = [_hit("Ook ontvangt de deelnemer aan een traject geen studiefinanciering.")]

    compound, qc = _best(lex, hits, "Krijgt een certificaattraject studiefinanciering?")
    rare, qr = _best(lex, hits, "Krijgt een erwtensoep studiefinanciering?")
    assert qc.compounds == ("certificaattraject",) and qr.compounds == () and qr.unknown == ("erwtensoep",)
    assert compound > rare


@pytest.mark.parametrize("question, kind, unlike, text, answer", [
    ("Bij welke instantie vraagt een werkgever de subsidie aan?", "org", ("Wie betaalt het loon?", "who"),
     "De werkgever krijgt een subsidie voor de begeleiding van de student. "
     "Aanvragen kunnen bij de Rijksdienst voor Ondernemend Nederland.", "Aanvragen"),
    ("Waar kan ik discriminatie bij mijn stage melden?", "where", ("Waar zet de MBO Raad zich voor in?", "open"),
     "Studenten die discriminatie bij hun stage melden, hebben steun nodig. "
     "Het Meldpunt Stagediscriminatie van de SBB neemt meldingen aan.", "Het Meldpunt"),
])
def test_an_organisation_or_place_question_wants_a_name_not_a_role(question, kind, unlike, text, answer):
    assert Q.parse_query(question).kind == kind and Q.parse_query(unlike[0]).kind == unlike[1]
    assert _pick(question, text).startswith(answer)
