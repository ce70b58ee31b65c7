"""extractive: how the chosen units become cited answer text."""

import pytest

pytestmark = pytest.mark.unit


def test_a_sentence_two_passages_both_say_is_shown_once_citing_both():
    from assistant.answer.extractive import Pick, cited_text

    repeated = "Het kabinet investeert structureel 100 miljoen per jaar in het mbo."
    picks = [Pick(0, f"{repeated} Bovendien zetten scholen hun eigen budget in.", "", 0, 1.0),
             Pick(1, f"{repeated} Dat is meer dan eerder aangekondigd.", "", 0, 0.9)]
    assert cited_text(picks) == (f"{repeated} [1][2] Bovendien zetten scholen hun eigen budget in. [1] "
                                 "Dat is meer dan eerder aangekondigd. [2]")
