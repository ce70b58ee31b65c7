"""The answer chain with a fake retriever/embedder: extractive answers, refusals, verification,
follow-ups, date notes, LLM fallback, the JSON contract and input checks."""

import datetime as dt

import pytest

from assistant.answer.chain import Assistant
from assistant.answer.compose import as_dict
from ingest.errors import ConfigError, InputError
from ingest.settings import Settings
from tests.assistant.fakes import FAKE_SELECTOR, FakeRetriever

pytestmark = pytest.mark.unit
TODAY = dt.date(2026, 11, 23)


def _assistant(tmp_path, chat=None, **kw):
    # fake bag-of-words vectors are not e5: use the lexical score only (threshold on it)
    settings = Settings(data_dir=tmp_path, answer_threshold=kw.pop("threshold", 0.3), **kw)
    a = Assistant(settings, FakeRetriever(tmp_path), chat, today=TODAY, selector=FAKE_SELECTOR)
    return a


@pytest.fixture
def lexical_only(monkeypatch):
    import assistant.answer.extractive as X

    real = X.rank

    def rank(q, hits, idf, qvec=None, vectors=None, *args, **kw):
        return real(q, hits, idf, None, None, *args, **kw)
    monkeypatch.setattr(X, "rank", rank)


def test_extractive_answer_cites_the_passage(tmp_path, lexical_only):
    ans = _assistant(tmp_path).answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?")
    assert ans.answered and "610 uur" in ans.text and "[1]" in ans.text
    assert ans.citations[0].hit.chunk.doc_id == "bbl" and "610" in ans.citations[0].quote
    assert all(s.supported for s in ans.sentences)


def test_unanswerable_is_refused(tmp_path, lexical_only):
    ans = _assistant(tmp_path).answer("Wat zijn de openingstijden van het gemeentehuis in Zwolle?")
    assert not ans.answered and ans.text.startswith("Dat staat niet in de documenten")
    assert ans.citations == ()


def test_english_question_gets_english_frame(tmp_path, lexical_only):
    ans = _assistant(tmp_path).answer("Who pays the course fee in a bbl programme?")
    assert ans.answered and ans.text.startswith("According to the Dutch source documents")
    assert "cursusgeld" in ans.text


def test_old_document_gets_a_date_note(tmp_path, lexical_only):
    ans = _assistant(tmp_path).answer("Wanneer is de afschaffing van de cascadebekostiging gepland?")
    assert ans.answered and "1 januari 2019" in ans.text
    assert "Let op: dit komt uit de Kamerbrief (2018-03-14) [1]; controleer" in ans.text


def test_followup_uses_previous_topic(tmp_path, lexical_only):
    a = _assistant(tmp_path)
    ans = a.answer("En wie kan dat vergoeden?", [("user", "Wie betaalt het cursusgeld in de bbl?"),
                                                  ("assistant", "De deelnemer betaalt cursusgeld [1].")])
    assert "cursusgeld" in a.retriever.queries[-1].lower()
    assert ans.answered and "werkgever" in ans.text


def test_json_contract(tmp_path, lexical_only):
    d = as_dict(_assistant(tmp_path).answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?"))
    assert {"question", "answer", "answered", "mode", "citations", "timings_ms"} <= set(d)
    assert {"n", "doc_id", "title", "date", "section", "page", "text", "start", "end"} <= set(d["citations"][0])
    assert {"retrieve", "generate", "total"} <= set(d["timings_ms"])


@pytest.mark.parametrize("bad", ["", "   ", "x" * 2001, 42, None, "vraag\x00"])
def test_bad_questions_are_input_errors(tmp_path, bad):
    with pytest.raises(InputError):
        _assistant(tmp_path).answer(bad)


def test_bad_history_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="role"):
        _assistant(tmp_path).answer("Wat is de bbl?", [("system", "x")])


def test_llm_mode_without_backend_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="MBO_LLM_BACKEND"):
        _assistant(tmp_path).answer("Wat is de bbl?", mode="llm")


class FakeChat:
    """A LangChain chat model returning a fixed text (or raising)."""

    def __new__(cls, text=None, error=None):
        from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
        from langchain_core.messages import AIMessage

        if error:
            from langchain_core.runnables import RunnableLambda

            def boom(_):
                raise error
            return RunnableLambda(boom)
        return GenericFakeChatModel(messages=iter([AIMessage(content=text)] * 5))


def test_llm_answer_is_verified_and_unsupported_sentences_dropped(tmp_path, lexical_only):
    chat = FakeChat("De kandidaat volgt minimaal 610 uur beroepspraktijkvorming per jaar [1]. "
                    "Daarnaast krijgt hij 900 euro bonus [1].")
    a = _assistant(tmp_path, chat=lambda: chat)
    ans = a.answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?", mode="llm")
    assert ans.answered and ans.mode == "llm" and "610" in ans.text and "900" not in ans.text
    assert [s.supported for s in ans.sentences] == [True, False]
    assert "900" in ans.sentences[1].reason


def test_llm_error_falls_back_to_extractive_with_note(tmp_path, lexical_only):
    a = _assistant(tmp_path, chat=lambda: FakeChat(error=TimeoutError("te traag")))
    ans = a.answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?", mode="llm")
    assert ans.answered and "610" in ans.text and ans.mode == "extractive"
    assert any("extractief" in n for n in ans.notes)


def test_llm_that_stalls_before_its_first_token_times_out(tmp_path, lexical_only):
    """The deadline covers prompt evaluation / waiting for the model, not only decoding: the model
    stalls until answer() has returned, so the answer must come while the model has produced
    nothing yet. An order of events, not a clock (timing is in benchmarks/)."""
    import threading

    from langchain_core.runnables import RunnableLambda

    release, produced = threading.Event(), threading.Event()

    def stall(_):
        release.wait(30)  # set as soon as answer() returns
        produced.set()
        return "De kandidaat volgt minimaal 610 uur beroepspraktijkvorming per jaar [1]."
    a = _assistant(tmp_path, chat=lambda: RunnableLambda(stall), llm_timeout_s=0.3)
    try:
        ans = a.answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?", mode="llm")
        assert not produced.is_set(), "the answer waited for the stalled model's first token"
    finally:
        release.set()
    assert ans.answered and ans.mode == "extractive" and any("TimeoutError" in n for n in ans.notes)


def test_stream_within_passes_tokens_and_errors_through():
    from langchain_core.runnables import RunnableLambda

    from assistant.answer.deadline import stream_within

    assert "".join(stream_within(RunnableLambda(lambda _: "abc"), 5)) == "abc"

    def boom(_):
        raise ConnectionError("verbinding weg")
    with pytest.raises(ConnectionError):
        list(stream_within(RunnableLambda(boom), 5))


def test_llm_garbage_falls_back(tmp_path, lexical_only):
    a = _assistant(tmp_path, chat=lambda: FakeChat("asdf qwerty zonder bronnen"))
    ans = a.answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?", mode="llm")
    assert ans.answered and "[1]" in ans.text and any("extractief" in n for n in ans.notes)


def test_llm_refusal_is_a_refusal(tmp_path, lexical_only):
    a = _assistant(tmp_path, chat=lambda: FakeChat("Dat staat niet in de documenten."))
    ans = a.answer("Wat kost een treinkaartje?", mode="llm")
    assert not ans.answered


class _CountingChat:
    """A chat model that records whether it was asked."""

    def __init__(self, text):
        self.calls = 0
        self.text = text

    def __call__(self):
        from langchain_core.runnables import RunnableLambda

        def reply(_):
            self.calls += 1
            return self.text
        return RunnableLambda(reply)


def test_llm_is_not_asked_when_no_passage_answers(tmp_path, lexical_only):
    chat = _CountingChat("Een treinkaartje kost 5 euro [1].")
    ans = _assistant(tmp_path, chat=chat).answer("Wat kost een treinkaartje?", mode="llm")
    assert not ans.answered and ans.mode == "llm" and chat.calls == 0


def test_llm_is_asked_for_every_question_without_the_gate(tmp_path, lexical_only):
    chat = _CountingChat("Dat staat niet in de documenten.")
    ans = _assistant(tmp_path, chat=chat, llm_gate=False).answer("Wat kost een treinkaartje?", mode="llm")
    assert not ans.answered and chat.calls == 1


@pytest.mark.parametrize("reply", ["Dat staat niet in de documenten.", "Dat staat niet in de documenten. [1]"])
def test_llm_refusal_of_an_answerable_question_falls_back_to_extractive(tmp_path, lexical_only, reply):
    chat = _CountingChat(reply)  # small models also cite their refusal
    ans = _assistant(tmp_path, chat=chat).answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?", mode="llm")
    assert chat.calls == 1 and ans.answered and "610" in ans.text and ans.mode == "extractive"
    assert any("niet in de bronnen" in n and "extractief" in n for n in ans.notes)


def test_llm_citation_to_the_wrong_source_is_moved_to_the_supporting_one(tmp_path, lexical_only):
    chat = FakeChat("De kandidaat volgt minimaal 610 uur beroepspraktijkvorming per jaar [2].")
    a = _assistant(tmp_path, chat=lambda: chat)
    ans = a.answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?", mode="llm")
    assert ans.answered and ans.mode == "llm" and "610" in ans.text
    assert "610" in ans.citations[0].hit.chunk.text


def test_llm_sentence_without_marker_gets_a_verified_citation(tmp_path, lexical_only):
    chat = FakeChat("De kandidaat volgt minimaal 610 uur beroepspraktijkvorming per jaar.")
    ans = _assistant(tmp_path, chat=lambda: chat).answer("Hoeveel uur bpv in de bbl?", mode="llm")
    assert ans.answered and ans.text.endswith("[1]") and "610" in ans.citations[0].hit.chunk.text


def test_llm_prompt_follows_the_audience(tmp_path, lexical_only):
    """The audience switch picks the prompt's form of address: 'u' for professionals, 'je' for students."""
    from langchain_core.runnables import RunnableLambda

    seen = []

    def chat():
        return RunnableLambda(lambda messages: seen.append("\n".join(str(m.content) for m in messages))
                              or "De bbl-student volgt 610 uur [1].")
    a = _assistant(tmp_path, chat=chat, llm_gate=False)
    for audience in ("professional", "student"):
        a.answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?", mode="llm", audience=audience)
    assert len(seen) == 2
    assert "met 'u'" in seen[0] and "met 'je'" not in seen[0]
    assert "met 'je'" in seen[1] and "met 'u'" not in seen[1]


class _BusyServer:
    """A model server whose one turn is always taken by another question."""

    def __init__(self):
        self.waited = []

    def slot(self, wait_s):
        from ingest.errors import ModelError

        self.waited.append(wait_s)
        raise ModelError(f"the local model is busy with other questions (waited {wait_s:.0f} s)")

    def ensure(self, wait_s):
        raise AssertionError("not reached: the turn comes first")


def test_llm_busy_model_gives_the_extractive_answer_now_with_a_note(tmp_path, lexical_only):
    chat = _CountingChat("De bbl-student volgt 610 uur [1].")
    a = _assistant(tmp_path, chat=chat, llm_timeout_s=40)
    a.model_server = _BusyServer()
    ans = a.answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student?", mode="llm")
    assert chat.calls == 0 and a.model_server.waited == [20]  # half the deadline
    assert ans.answered and "610" in ans.text and any("bezig" in n or "busy" in n for n in ans.notes), ans.notes



def test_two_asks_in_one_message_are_each_answered(tmp_path, lexical_only):
    a = _assistant(tmp_path)
    ans = a.answer("Mijn cliënt wil via de bbl een diploma halen. Hoeveel uur beroepspraktijkvorming volgt hij, "
                   "en wie betaalt het cursusgeld?")
    assert ans.answered and "610 uur" in ans.text and "cursusgeld" in ans.text
    assert len(a.retriever.queries) == 2  # one retrieval per ask, both with the client's situation
    assert all(q.startswith("Mijn cliënt wil via de bbl") for q in a.retriever.queries)


def test_an_ask_nothing_answers_gets_its_own_note(tmp_path, lexical_only):
    ans = _assistant(tmp_path).answer("Hoeveel uur beroepspraktijkvorming volgt een bbl-student, "
                                      "en wat kost een treinkaartje naar Utrecht?")
    assert ans.answered and "610 uur" in ans.text and "trein" not in ans.text
    assert any("Wat kost een treinkaartje naar Utrecht?" in n and "zeggen de documenten niets" in n
               for n in ans.notes), ans.notes
