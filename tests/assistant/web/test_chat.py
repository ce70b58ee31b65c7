"""The asking handlers without a page: the `ask` API's JSON and Dutch errors, and the chat's
streamed answer (question, growing partial HTML, then the verified answer with its sources)."""

from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.answer.chain import Assistant
from assistant.answer.types import Answer
from assistant.web.chat import (check, clear_chat, make_ask, make_respond, new_conversation, show_example,
                                switch_audience)
from assistant.web.page import sources_html
from assistant.web.services import Services
from assistant.web.ui import EXAMPLES, PLACEHOLDER
from ingest.settings import Settings
from tests.assistant.fakes import FAKE_SELECTOR, FakeRetriever

pytestmark = pytest.mark.unit

QUESTION = "Hoeveel uur beroepspraktijkvorming volgt een bbl-student?"
LIMIT = 200


class PageServices(Services):
    """The real Services over an assistant; the document view is a stand-in (FakeIndex has no
    stored chunks to read the surrounding text from)."""

    def view(self):
        return SimpleNamespace(context=lambda chunk: ([], []))


class Scripted:
    """An assistant whose stream yields the given events (text deltas, an Answer, or raises)."""

    def __init__(self, *events, error=None):
        self.events, self.error, self.calls = events, error, []
        self.retriever = SimpleNamespace(index=None)

    def stream(self, question, history, filters, mode=None, audience="professional"):
        self.calls.append(dict(question=question, history=list(history), filters=filters, mode=mode,
                               audience=audience))
        yield from self.events
        if self.error:
            raise self.error


@pytest.fixture
def assistant(tmp_path):
    return Assistant(Settings(data_dir=tmp_path, answer_threshold=0.3), FakeRetriever(tmp_path),
                     selector=FAKE_SELECTOR)


def services(tmp_path, assistant):
    return PageServices(Settings(data_dir=tmp_path), assistant)


def run(respond, question, chat=None, convo=None, turns=None, audience="professional", mode=None):
    """The handler's outputs, one tuple per step; the chat list as it was at that step (the
    handler updates one list between its steps, as Gradio sends each step at once)."""
    return [(list(step[0]), *step[1:]) for step in respond(question, chat, convo, turns, audience, None, None, mode)]


def last_message(step) -> str:
    return step[0][-1]["content"]


# ---------------------------------------------------------------- ask (the API)
def test_ask_returns_the_answer_as_json(tmp_path, assistant):
    ask = make_ask(services(tmp_path, assistant), LIMIT)
    out = ask(QUESTION, None, ["bbl"], None, None, "student")
    assert out["answered"] is True and "610 uur" in out["answer"] and "[1]" in out["answer"]
    assert out["question"] == QUESTION and out["citations"][0]["doc_id"] == "bbl"


def test_ask_refuses_empty_and_too_long_questions_in_dutch(tmp_path, assistant):
    ask = make_ask(services(tmp_path, assistant), LIMIT)
    with pytest.raises(gr.Error, match="Typ eerst een vraag"):
        ask("   ")
    with pytest.raises(gr.Error, match=f"het maximum is {LIMIT}"):
        ask("x" * (LIMIT + 1))
    assert check(f"  {QUESTION} ", LIMIT) == QUESTION


def test_ask_turns_an_input_error_into_a_dutch_message(tmp_path, assistant):
    ask = make_ask(services(tmp_path, assistant), LIMIT)
    with pytest.raises(gr.Error, match="Deze antwoordwijze bestaat niet"):
        ask(QUESTION, mode="bogus")
    with pytest.raises(gr.Error, match="Het gesprek kan niet worden gelezen"):
        ask(QUESTION, [["system", "x"]])


# ---------------------------------------------------------------- respond (the chat)
def test_respond_streams_partial_html_and_ends_with_the_verified_answer(tmp_path, assistant):
    respond = make_respond(services(tmp_path, assistant), LIMIT, llm=False, pause=0)
    steps = run(respond, QUESTION)
    first, *growing, final = steps
    assert first[0] == [{"role": "user", "content": QUESTION},
                        {"role": "assistant", "content": '<div class="antwoord bezig"><p> ▍</p></div>'}]
    assert first[1] == "" and isinstance(first[4], type(gr.skip())) and first[5] == ""
    assert len(growing) >= 2, "an extractive answer of three sentences is shown sentence by sentence"
    texts = [last_message(s) for s in growing]
    assert all('class="antwoord bezig"' in t for t in texts)
    assert all(len(a) < len(b) for a, b in zip(texts, texts[1:]))  # each one a sentence longer
    chat, box, convo, turns, panel, status = final
    assert 'class="antwoord"' in chat[-1]["content"] and "bezig" not in chat[-1]["content"]
    assert 'href="#bron-1-1"' in chat[-1]["content"] and "610 uur" in chat[-1]["content"]
    assert box == "" and status == "" and 'id="bron-1-1"' in panel
    assert convo[0] == ("user", QUESTION) and convo[1][0] == "assistant" and "610 uur" in convo[1][1]
    [turn] = turns
    assert (turn["turn"], turn["msg"], turn["question"], turn["history"]) == (1, 1, QUESTION, [])
    assert turn["answer"]["answered"] and isinstance(turn["obj"], Answer) and turn["row"] is None


def test_a_second_question_is_the_next_turn_with_the_conversation_as_history(tmp_path, assistant):
    respond = make_respond(services(tmp_path, assistant), LIMIT, llm=False, pause=0)
    chat, _, convo, turns, _, _ = run(respond, QUESTION)[-1]
    chat2, _, convo2, turns2, panel, _ = run(respond, "Wie betaalt het cursusgeld?", chat, convo, turns)[-1]
    assert [t["turn"] for t in turns2] == [1, 2] and turns2[1]["msg"] == 3 and turns2[1]["history"] == convo
    assert 'data-turn="2"' in chat2[-1]["content"] and len(convo2) == 4
    assert panel.index("bron-2-1") < panel.index("bron-1-1")  # the latest answer's sources first
    assert len(chat) == 2 and len(turns) == 1  # the earlier outputs are not changed in place


def test_respond_shows_llm_text_deltas_as_they_arrive(tmp_path, assistant):
    final = assistant.answer(QUESTION)
    fake = Scripted("De kandidaat ", "volgt <b>610</b> uur.", final)
    respond = make_respond(services(tmp_path, fake), LIMIT, llm=True, pause=0)
    steps = run(respond, QUESTION, mode="llm", audience="student")
    assert [last_message(s) for s in steps[1:3]] == [
        '<div class="antwoord bezig"><p>De kandidaat  ▍</p></div>',
        '<div class="antwoord bezig"><p>De kandidaat volgt &lt;b&gt;610&lt;/b&gt; uur. ▍</p></div>']
    assert len(steps) == 4 and 'data-turn="1"' in last_message(steps[-1])
    assert fake.calls[0]["mode"] == "llm" and fake.calls[0]["audience"] == "student"


def test_without_an_llm_the_mode_choice_is_not_passed_on(tmp_path, assistant):
    fake = Scripted(assistant.answer(QUESTION))
    run(make_respond(services(tmp_path, fake), LIMIT, llm=False, pause=0), QUESTION, mode="llm")
    assert fake.calls[0]["mode"] is None


def test_an_error_becomes_the_dutch_message_in_the_chat(tmp_path):
    fake = Scripted("De kandidaat", error=RuntimeError("model <weg>"))
    steps = run(make_respond(services(tmp_path, fake), LIMIT, llm=True, pause=0), QUESTION)
    chat, box, convo, turns, panel, status = steps[-1]
    assert chat[-1]["content"] == ('<div class="antwoord fout"><p>⚠️ Er ging iets mis bij het beantwoorden '
                                   "(RuntimeError: model &lt;weg&gt;). Probeer het later opnieuw.</p></div>")
    assert (box, convo, turns, status) == ("", [], [], "") and isinstance(panel, type(gr.skip()))


def test_too_long_or_empty_questions_do_not_reach_the_assistant(tmp_path):
    fake = Scripted()
    respond = make_respond(services(tmp_path, fake), LIMIT, llm=False, pause=0)
    long = "x" * (LIMIT + 5)
    [(chat, box, _, _, _, status)] = run(respond, long, audience="student")
    assert chat[-1]["content"].startswith('<div class="antwoord fout"><p>⚠️ Je vraag is 205 tekens lang')
    assert box == long and status == ""  # the question stays in the box, to be shortened
    [(chat, box, _, _, _, status)] = run(respond, "  ", chat=[{"role": "user", "content": "eerder"}])
    assert chat == [{"role": "user", "content": "eerder"}] and box == "  " and isinstance(status, type(gr.skip()))
    assert fake.calls == []


def test_the_question_is_escaped_in_the_chat(tmp_path, assistant):
    steps = run(make_respond(services(tmp_path, assistant), LIMIT, llm=False, pause=0), "<i>Wat</i> is de bbl?")
    assert steps[0][0][0] == {"role": "user", "content": "&lt;i&gt;Wat&lt;/i&gt; is de bbl?"}


# ---------------------------------------------------------------- the small events
def test_reset_audience_and_example_handlers():
    assert new_conversation() == ([], "", [], [], sources_html([]), "", "")
    assert clear_chat() == ([], [], sources_html([]), "")
    assert new_conversation()[0] is not new_conversation()[0]  # fresh lists each time
    assert show_example(EXAMPLES["student"][1]) == EXAMPLES["student"][1]
    updates = switch_audience("student")
    assert [u["value"] for u in updates[:-1]] == EXAMPLES["student"]
    assert updates[-1]["placeholder"] == PLACEHOLDER["student"]
