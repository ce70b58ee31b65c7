"""Handlers for asking: the `ask` API (one JSON answer) and the chat's streamed answer, and the
small events around them (an example question, the audience switch, a new conversation).

Each handler takes its event's inputs and returns (or yields) its outputs in the order app.py
wires them; the conversation lives in the page's gr.State values, not here. Non-goals: the
layout (app.py), answer HTML (page.py), answering itself (assistant/answer), feedback
(ratings.py).
"""

import html
import time

import gradio as gr

from assistant.answer.compose import as_dict
from assistant.web.page import answer_html, partial_html, sources_html, stream_pieces
from assistant.web.ui import EXAMPLES, PLACEHOLDER, dutch_error, too_long
from ingest.errors import MboError
from ingest.types import Filters


def check(question: str, limit: int) -> str:
    """The stripped question, or gr.Error with a Dutch message (empty, or over `limit` chars)."""
    q = (question or "").strip()
    if not q:
        raise gr.Error("Typ eerst een vraag.")
    if len(q) > limit:
        raise gr.Error(too_long(q, limit))
    return q


def make_ask(services, limit: int):
    """The `ask` API handler (its signature and docstring are the API's documentation)."""

    def ask(question: str, history: list[list[str]] | None = None, doc_ids: list[str] | None = None,
            doc_types: list[str] | None = None, mode: str | None = None,
            audience: str = "professional") -> dict:
        """Answer a question from the documents. history: [[role, text], ...] with role user or
        assistant. Returns the answer as JSON: answer (with [n] markers), answered, citations
        (n, doc_id, title, date, section, page, text, quote), notes, timings_ms."""
        q = check(question, limit)
        try:
            answer = services.get().answer(q, [tuple(t) for t in history or ()],
                                           Filters(tuple(doc_ids or ()), tuple(doc_types or ())),
                                           mode=mode or None, audience=audience or "professional")
        except MboError as exc:
            raise gr.Error(dutch_error(exc)) from None
        return as_dict(answer)

    return ask


def _bot(content: str) -> dict:
    return {"role": "assistant", "content": content}


def _failure(safe_html: str) -> dict:
    """A chat message saying what went wrong (safe_html: already escaped)."""
    return _bot(f'<div class="antwoord fout"><p>⚠️ {safe_html}</p></div>')


def make_respond(services, limit: int, llm: bool, pause: float = 0.05):
    """The chat's answer handler. llm: whether the mode choice is offered (else the default mode).
    pause: seconds between the sentences of an extractive answer shown one by one."""

    def respond(question, chat, convo, turns, audience, doc_ids, doc_types, mode):
        """Yields (chat, question box, conversation, turns, sources panel, feedback status): the
        question with an empty answer, the growing answer, then the verified answer and its
        sources. A too-long question or an error becomes a Dutch message in the chat."""
        chat, turns, convo = list(chat or []), list(turns or []), list(convo or [])
        q = (question or "").strip()
        if not q:
            yield chat, question, convo, turns, gr.skip(), gr.skip()
            return
        chat.append({"role": "user", "content": html.escape(q)})
        if len(q) > limit:
            chat.append(_failure(too_long(q, limit, audience)))
            yield chat, question, convo, turns, gr.skip(), ""
            return
        chat.append(_bot(partial_html("")))
        yield chat, "", convo, turns, gr.skip(), ""
        turn = (turns[-1]["turn"] + 1) if turns else 1
        filters = Filters(tuple(doc_ids or ()), tuple(doc_types or ()))
        answer, pieces = None, []
        try:
            for event in services.get().stream(q, convo, filters, mode=(mode if llm else None) or None,
                                               audience=audience or "professional"):
                if isinstance(event, str):
                    pieces.append(event)
                    chat[-1] = _bot(partial_html("".join(pieces)))
                    yield chat, "", convo, turns, gr.skip(), ""
                else:
                    answer = event
        except Exception as exc:  # noqa: BLE001 - shown in the chat, the page keeps working
            chat[-1] = _failure(html.escape(dutch_error(exc)))
            yield chat, "", convo, turns, gr.skip(), ""
            return
        if not pieces:  # extractive: the whole answer at once; show it sentence by sentence
            for prefix in stream_pieces(answer.text)[:-1]:
                chat[-1] = _bot(partial_html(prefix))
                yield chat, "", convo, turns, gr.skip(), ""
                time.sleep(pause)
        chat[-1] = _bot(answer_html(answer, turn, services.terms()))
        turns.append({"turn": turn, "msg": len(chat) - 1, "question": q, "history": list(convo),
                      "answer": as_dict(answer), "obj": answer, "audience": audience, "row": None, "rating": None})
        convo = convo + [("user", q), ("assistant", answer.text)]
        panel = sources_html([(t["turn"], t["obj"]) for t in turns], services.view().context)
        yield chat, "", convo, turns, panel, ""

    return respond


def show_example(question: str) -> str:
    """An example button's text into the question box (the answer follows as the next step)."""
    return question


def switch_audience(audience: str) -> list:
    """The example buttons' texts and the question box's placeholder for the chosen audience."""
    return [gr.update(value=q) for q in EXAMPLES[audience]] + [gr.update(placeholder=PLACEHOLDER[audience])]


def new_conversation() -> tuple:
    """Empty (chat, question, conversation, turns, sources panel, feedback status, comment)."""
    return [], "", [], [], sources_html([]), "", ""


def clear_chat() -> tuple:
    """After the chat's own clear button: empty (conversation, turns, sources panel, status)."""
    return [], [], sources_html([]), ""
