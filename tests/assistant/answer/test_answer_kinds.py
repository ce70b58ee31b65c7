"""One test per way a complete answer used to fail (issue 14), with made-up questions over a
made-up fixture corpus (tests/fixtures/kinds), the real e5 model, Chroma and the shipped selector.

Each test names the kind, not a question of any question set.
"""

import datetime as dt
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KINDS = Path(__file__).resolve().parents[2] / "fixtures" / "kinds"


@pytest.fixture(scope="module")
def kinds_assistant(real_settings, tmp_path_factory):
    from assistant.factory import build_assistant, build_index
    from ingest.pipeline import ingest

    settings = real_settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("kinds"), "corpus_dir": KINDS})
    report = ingest([KINDS], settings, build_index(settings))
    assert report.documents == 2 and not report.failed
    assistant = build_assistant(settings)
    assistant.today = dt.date(2026, 12, 1)
    return assistant


def _claims(answer) -> str:
    """The answer's cited statements, without the date note."""
    return " ".join(s.text for s in answer.sentences if s.supported)


def test_two_asks_in_one_message_are_both_answered(kinds_assistant):
    ans = kinds_assistant.answer("Mijn cliënt heeft een WW-uitkering en wil een mbo-opleiding volgen. Mag hij dat "
                                 "met behoud van uitkering, en hoe vraagt hij de toestemming aan?")
    assert ans.answered
    assert "UWV" in ans.text and "formulier Studie en scholing" in ans.text


def test_a_comparison_gets_both_sides(kinds_assistant):
    ans = kinds_assistant.answer("Wat is het verschil tussen de bbl en de bol wat betreft de dagen op school?")
    assert ans.answered and "één dag naar school" in ans.text and "vijf dagen per week naar school" in ans.text


def test_a_sentence_that_leans_on_the_one_before_comes_with_it(kinds_assistant):
    ans = kinds_assistant.answer("Wat betaalt de gemeente voor een werkzoekende in de bijstand die een "
                                 "mbo-opleiding volgt?")
    assert ans.answered and "lesgeld" in ans.text
    assert "scholingsbudget" in ans.text  # the name the leaning sentence ("Daarmee …") refers to


def test_a_list_of_conditions_comes_with_every_item(kinds_assistant):
    ans = kinds_assistant.answer("Aan welke voorwaarden moet een werkgever voldoen om een leerbaan aan te bieden?")
    assert ans.answered
    for item in ("erkend als leerbedrijf", "praktijkopleider", "twaalf maanden"):
        assert item in ans.text, item


def test_a_followup_about_something_named_only_in_the_previous_answer(kinds_assistant):
    history = [("user", "Wie betaalt het lesgeld van een werkzoekende in de bijstand?"),
               ("assistant", "Het gemeentelijk scholingsbudget is er voor werkzoekenden met een bijstandsuitkering "
                             "die een mbo-opleiding willen volgen. [1] Daarmee betaalt de gemeente het lesgeld. [1]")]
    ans = kinds_assistant.answer("Betaalt dat budget ook de leermiddelen?", history)
    assert ans.answered and "leermiddelen" in _claims(ans)


def test_english_with_other_wording_than_the_dutch_text(kinds_assistant):
    ans = kinds_assistant.answer("Who must approve that a jobseeker on unemployment benefit keeps it while "
                                 "following a course?")
    assert ans.answered and ans.text.startswith("According to") and "UWV" in _claims(ans)


def test_informal_student_phrasing_with_typos_and_abbreviations(kinds_assistant):
    ans = kinds_assistant.answer("mag ik met ww n opleidng doen?? wie moet dat goedkeuren")
    assert ans.answered and "UWV" in _claims(ans)


def test_a_repeated_figure_is_shown_once_with_a_date_note_per_document(kinds_assistant):
    ans = kinds_assistant.answer("Hoeveel geld trekt het kabinet uit voor extra leerbanen in de zorg?")
    assert ans.answered
    assert len(re.findall(r"50 miljoen", ans.text)) == 1  # said by both documents, shown once
    assert len([s for s in ans.sentences if s.supported]) <= 2  # no loosely related padding
    note = next(line for line in ans.text.splitlines() if line.startswith("Let op"))
    assert "werkwijzer (2021-05-01)" in note and "Kamerbrief (2022-11-10)" in note
