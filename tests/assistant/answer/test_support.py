"""The lexical/number/entity support check catches changed numbers, names and negations."""

import pytest

from assistant.answer.support import check, names, numbers

pytestmark = pytest.mark.unit
P = ("De kandidaat volgt minimaal 200 uur onderwijs en minimaal 610 uur beroepspraktijkvorming. "
     "Bedrijven kunnen erkenning aanvragen via SBB.")


def test_verbatim_sentence_is_supported():
    assert check("De kandidaat volgt minimaal 610 uur beroepspraktijkvorming.", [P]).supported


def test_changed_number_is_not_supported():
    v = check("De kandidaat volgt minimaal 640 uur beroepspraktijkvorming.", [P])
    assert not v.supported and "640" in v.reason


def test_wrong_organisation_is_not_supported():
    v = check("Bedrijven kunnen erkenning aanvragen via DUO.", [P])
    assert not v.supported and "duo" in v.reason


def test_added_negation_is_not_supported():
    assert not check("Bedrijven kunnen geen erkenning aanvragen via SBB.", [P]).supported


def test_dropped_negation_is_not_supported():
    p = "De kandidaat heeft geen recht op studiefinanciering."
    assert not check("De kandidaat heeft recht op studiefinanciering.", [p]).supported


def test_unrelated_sentence_is_not_supported():
    assert not check("Het weer in Utrecht wordt morgen zonnig en warm.", [P]).supported


def test_number_normalisation():
    assert numbers("€ 2.700 en 25,0 mln en 1,5") == {"2700", "25", "1.5"}
    assert "2700" in numbers("2700")


def test_names_skip_sentence_start():
    assert names("Bedrijven vragen het aan bij SBB en UWV.") == {"sbb", "uwv"}


def test_cross_lingual_uses_similarity():
    english = "A student follows at least 610 hours of work placement."
    assert not check(english, [P]).supported
    assert check(english, [P], similarity=lambda a, b: 0.9).supported
    assert not check(english.replace("610", "640"), [P], similarity=lambda a, b: 0.9).supported
