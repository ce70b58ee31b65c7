"""disagree: two documents that state one thing with different values are both shown, newer
first in the note; statements that differ otherwise are left alone."""

import datetime as dt
from pathlib import Path

import pytest

from assistant.answer import disagree as D

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "disagree"


@pytest.mark.unit
def test_values_and_the_same_statement():
    assert D.values("Het cursusgeld bedraagt 287 euro per jaar.") == {"287 euro"}
    assert D.values("Een stage duurt 20 weken; vanaf 2023 1.200 uur.") == {"20 weken", "2023", "1.200 uur"}
    assert D.same_statement("Het cursusgeld voor de bbl bedraagt 287 euro.", "Het cursusgeld voor de bbl bedraagt 300 euro.")
    assert not D.same_statement("Het cursusgeld voor de bbl bedraagt 287 euro.", "Een stage duurt twintig weken.")


@pytest.fixture(scope="module")
def two_dates(real_settings, tmp_path_factory):
    from assistant.factory import build_assistant, build_index
    from ingest.pipeline import ingest

    settings = real_settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("disagree"), "corpus_dir": FIXTURE})
    assert not ingest([FIXTURE], settings, build_index(settings)).failed
    a = build_assistant(settings)
    a.today = dt.date(2026, 12, 1)
    return a


@pytest.mark.integration
@pytest.mark.slow
def test_an_amount_two_documents_disagree_on_is_shown_from_both_with_a_note(two_dates):
    ans = two_dates.answer("Hoeveel cursusgeld betaalt een bbl-student per studiejaar?")
    assert ans.answered and "287 euro" in ans.text and "300 euro" in ans.text
    assert {c.hit.chunk.doc_id for c in ans.citations} >= {"fixture-oud", "fixture-nieuw"}
    note = next(n for n in ans.notes if n.startswith("De bronnen verschillen"))
    assert note.index("Kamerbrief (2023-02-01) noemt 300 euro") < note.index("werkwijzer (2021-05-01) noemt 287 euro")


@pytest.mark.integration
@pytest.mark.slow
def test_a_question_the_documents_agree_on_gets_no_note(two_dates):
    ans = two_dates.answer("Hoe lang duurt een stage in de bol minimaal?")
    assert ans.answered and "twintig weken" in ans.text
    assert not any(n.startswith("De bronnen verschillen") for n in ans.notes)
