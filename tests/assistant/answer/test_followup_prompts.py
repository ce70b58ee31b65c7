"""Follow-up rewriting (rule-based) and strict prompt rendering."""

import json
from pathlib import Path

import pytest

from ingest.errors import PromptError
from assistant.answer.followup import answer_words, is_elliptic, standalone
from assistant.models.prompts import fields, load, render

pytestmark = pytest.mark.unit
DEV = Path(__file__).resolve().parents[3] / "evals" / "questions" / "dev.jsonl"


def test_elliptic_followup_gets_the_topic():
    h = [("user", "Hoe lang duurt de bbl-opleiding op niveau 2?"), ("assistant", "Een tot twee jaar [1].")]
    q = standalone("En hoe lang duurt die op niveau 4?", h)
    assert "bbl-opleiding" in q and q.endswith("En hoe lang duurt die op niveau 4?")


def test_standalone_question_is_unchanged():
    h = [("user", "Wat is de bbl?")]
    q = "Wie betaalt het cursusgeld voor een bekostigde bbl-opleiding?"
    assert not is_elliptic(q) and standalone(q, h) == q


def test_all_dev_followups_get_context():
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    follow = [r for r in rows if r.get("history")]
    assert len(follow) >= 10
    for r in follow:
        prev = r["history"][0][1]
        out = standalone(r["question"], [tuple(t) for t in r["history"]])
        assert out != r["question"] or not is_elliptic(r["question"]), r["id"]
        named = " ".join(answer_words(r["history"][-1][1])) if r["history"][-1][0] == "assistant" else ""
        assert len(out) <= len(prev) + len(named) + len(r["question"]) + 3  # nothing else is added


def test_prompts_render_strictly():
    assert fields(load("answer")) == {"refusal", "language", "tone", "sources", "question"}
    with pytest.raises(PromptError, match="question"):
        render("answer", refusal="x", language="nl", tone="", sources="")
    with pytest.raises(PromptError, match="extra"):
        render("condense", history="", question="q", extra="x")
    with pytest.raises(PromptError, match="not found"):
        render("bestaat-niet")
    out = render("condense", history="Gebruiker: Wat is de bbl?", question="En de bol?")
    assert "En de bol?" in out and "{" not in out


def test_a_pointer_to_what_only_the_previous_answer_named_gets_that_name():
    history = [("user", "Waar kan mijn cliënt terecht voor advies over een opleiding?"),
               ("assistant", "Hij kan terecht bij het Leerwerkloket in zijn regio. [1]\n\n"
                             "Let op: dit komt uit de werkwijzer (2019) [1]; controleer of het nog actueel is.")]
    out = standalone("En is dat gratis?", history)
    assert "Leerwerkloket" in out and out.endswith("En is dat gratis?")
    assert "werkwijzer" not in out  # the date note is not part of the answer's content
    assert answer_words("De kandidaat volgt 610 uur bij het Leerwerkloket. [2]") == ["Leerwerkloket"]
