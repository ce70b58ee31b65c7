"""The in-process engine behind the evals' Qwen P(yes) judge."""

from __future__ import annotations

import math

import pytest

from ingest.errors import ModelError
from assistant.models.engine import _yes_share, judge_yes_prob, yes_probability
from assistant.models.prompts import render
from ingest.settings import Settings


class _Engine:
    def yes_probability(self, prompt):
        self.prompt = prompt
        return 0.9


@pytest.mark.unit
def test_yes_probability_uses_the_engine_and_is_a_softmax_share():
    eng = _Engine()
    assert yes_probability(eng, "Is it? yes or no") == 0.9 and eng.prompt == "Is it? yes or no"
    assert _yes_share(lambda words: [2.0] if words[0] == "yes" else [0.0]) == pytest.approx(
        math.exp(2) / (math.exp(2) + 1))
    with pytest.raises(ModelError, match="no next-token log-probs"):
        yes_probability(object(), "x")


@pytest.mark.unit
def test_judge_prompt_is_a_strict_file():
    text = render("judge", claim="C-claim", passage="P-passage")
    assert "C-claim" in text and "P-passage" in text and text.rstrip().endswith("yes or no.")


SOURCE = ("Een voltijd bol-opleiding op niveau 4 heeft per studiejaar minimaal 610 uur begeleide "
          "onderwijstijd. Daarnaast lopen studenten stage (beroepspraktijkvorming).")


@pytest.mark.slow
@pytest.mark.integration
def test_judge_prefers_the_supported_claim():
    settings = Settings(llm_backend="local")
    good = judge_yes_prob(settings, "A full-time level 4 bol programme has at least 610 hours of "
                                    "supervised teaching per year.", SOURCE)
    bad = judge_yes_prob(settings, "A full-time level 4 bol programme has at least 1000 hours of "
                                   "supervised teaching per year.", SOURCE)
    assert 0.0 <= bad < good <= 1.0
    assert good - bad > 0.1, (good, bad)
