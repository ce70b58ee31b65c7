"""The answer chain: `Assistant.answer(question, history, filters) -> Answer`, and `stream`.

question -> standalone question (follow-ups) -> hybrid retrieval -> extractive selection or
the grounded-citation prompt through a LangChain chat model -> citation verification
(compose.verify) -> Answer. In llm mode a model that errors, times out or returns text without
valid citations falls back to the extractive answer with a visible note, never to an uncited
answer. Non-goals: the web page, evaluation, ingest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from assistant.answer import asks, compose, disagree, extractive, followup, query, selection, sources
from assistant.answer.injection import looks_like_instructions
from assistant.answer.query import check_question
from assistant.answer.cite import MARKER, split_sentences
from assistant.answer.deadline import stream_within
from ingest.errors import ConfigError, InputError, ModelError
from assistant.models.prompts import load, render
from assistant.answer.retrieve import dense_query
from ingest.settings import Settings
from ingest.types import Filters, Hit
from assistant.answer.types import Answer

_TONE = {"professional": "Spreek de lezer aan met 'u'; schrijf zakelijk.",
         "student": "Spreek de lezer aan met 'je'; schrijf eenvoudig en vriendelijk."}
_LANG = {"nl": "Nederlands", "en": "Engels (English)"}
_FRAME_EN = "According to the Dutch source documents (quoted in Dutch):"


class Assistant:
    """Holds the retriever and (lazily) the chat model; one per process, thread-safe for reads."""

    def __init__(self, settings: Settings, retriever, chat_model_factory: Callable[[], Any] | None = None,
                 today: dt.date | None = None, similarity: Callable[[str, str], float] | None = None,
                 model_server=None, selector: selection.Selector | None = None):
        self.settings = settings
        self.selector = selector or selection.fitted()  # the fitted extractive selection
        self.model_server = model_server  # the local model's process (models.server.ModelServer) or None
        self.retriever = retriever
        self._chat_factory = chat_model_factory
        self._chat = None
        self.today = today
        self.similarity = similarity

    @property
    def llm_available(self) -> bool:
        return self._chat_factory is not None

    def chat_model(self):
        if self._chat_factory is None:
            raise ConfigError("llm mode needs a chat model; set MBO_LLM_BACKEND to local, openai or "
                              "ollama (see README), or use --mode extractive")
        if self._chat is None:
            self._chat = self._chat_factory()
        return self._chat

    # ------------------------------------------------------------------ public interface
    def answer(self, question: str, history: Sequence[tuple[str, str]] = (), filters: Filters | None = None,
               mode: str | None = None, audience: str = "professional") -> Answer:
        final = None
        for event in self.stream(question, history, filters, mode, audience):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def stream(self, question: str, history: Sequence[tuple[str, str]] = (), filters: Filters | None = None,
               mode: str | None = None, audience: str = "professional") -> Iterator[str | Answer]:
        """Yields text deltas (llm mode) and finally the verified Answer."""
        t0 = time.perf_counter()
        q = check_question(question, self.settings.max_question_chars)
        history = _check_history(history)
        mode = mode or self.settings.answer_mode
        if mode not in ("extractive", "llm"):
            raise InputError(f"mode {mode!r} is not known; use 'extractive' or 'llm'")
        if mode == "llm":
            self.chat_model()  # fail early with a clear ConfigError when no backend is configured
        lang = query.language(q)
        t1 = time.perf_counter()
        standalone, split, hits = self._retrieve(q, history, mode, filters)
        t2 = time.perf_counter()
        first: list[float] = []  # perf_counter of the model's first token (llm mode)
        if mode == "llm":
            answer = yield from self._llm(q, standalone, lang, hits, audience, first)
        else:
            answer = self._extractive(q, standalone, lang, hits, split=split)
        t3 = time.perf_counter()
        # retrieve includes making a follow-up standalone
        timings = {"retrieve": (t2 - t1) * 1000, "generate": (t3 - t2) * 1000, "total": (t3 - t0) * 1000}
        if first:
            timings["first_token"] = (first[0] - t0) * 1000
        yield _with(answer, timings=timings)

    def ranked_asks(self, question: str, history: Sequence[tuple[str, str]] = (),
                    filters: Filters | None = None) -> list[tuple[str, list[extractive.Pick]]]:
        """Per ask of the message (one for most questions): (the ask, every answer unit of its
        hits, best first, with their features), as the extractive answer sees them. Used to fit
        the selection (evals/fit_selection.py)."""
        q = check_question(question, self.settings.max_question_chars)
        standalone, split, hits = self._retrieve(q, _check_history(history), "extractive", filters)
        if not hits:
            return [(a, []) for a in split.asks]
        if len(split.asks) > 1:
            return [(a, self._ranked(a, query_text, hits)[1]) for a, query_text in zip(split.asks, split.queries())]
        return [(q, self._ranked(q, standalone, hits)[1])]

    # ------------------------------------------------------------------ steps
    def _retrieve(self, q: str, history: list[tuple[str, str]], mode: str, filters: Filters | None):
        """(standalone question, its asks, hits): follow-ups made standalone, one retrieval per
        ask, passages that instruct the assistant dropped (none at all for such a question)."""
        standalone = self._standalone(q, history, mode)
        split = asks.split_asks(standalone) if mode == "extractive" else asks.Asks("", (standalone,))
        if len(split.asks) > 1:  # each ask retrieves for itself, with the message's context
            hits = asks.merge_hits([self._search(x, filters) for x in split.queries()],
                                   self.settings.retrieve_k * len(split.asks))
        else:
            hits = self._search(standalone, filters)
        if looks_like_instructions(q):  # a question that instructs the assistant is not answered
            hits = []
        return standalone, split, hits

    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def _search(self, text: str, filters: Filters | None) -> list[Hit]:
        """The top hits without passages that instruct the assistant; as many as without such
        passages (the selection weighs a unit against the other retrieved units)."""
        hits, _ = self.retriever.search(text, filters=filters)
        dropped = sum(looks_like_instructions(h.chunk.text) for h in hits)
        if dropped:
            more, _ = self.retriever.search(text, k=len(hits) + dropped, filters=filters)
            hits = [h for h in more if not looks_like_instructions(h.chunk.text)][:len(hits)]
        return hits

    def _standalone(self, q: str, history, mode: str) -> str:
        if not history or not followup.is_elliptic(q):
            return q
        if mode == "llm":
            try:
                self._ensure_model()
                convo = "\n".join(f"{'Gebruiker' if r == 'user' else 'Assistent'}: {t}" for r, t in history[-4:])
                out = self.chat_model().invoke(render("condense", history=convo, question=q))
                text = str(getattr(out, "content", out)).strip().splitlines()[0].strip()
                if 3 < len(text) < 500:
                    return text
            except Exception:  # noqa: BLE001 - any model failure: the rule still works
                pass
        return followup.standalone(q, history)

    def _ranked(self, q: str, standalone: str, hits: list[Hit]) -> tuple[query.Query, list[extractive.Pick]]:
        """The question's terms and every answer unit of the hits, best first."""
        lexical = self.retriever.index.lexical
        parsed = query.resolve_terms(query.parse_query(standalone, own=q), lexical)
        index = self.retriever.index
        qvec = index.embedder.embed_query(dense_query(standalone)) if hits else None
        return parsed, extractive.rank(parsed, hits, lexical.idf, qvec=qvec, vectors=index.sentences,
                                       selector=self.selector)

    def _extractive(self, q: str, standalone: str, lang: str, hits: list[Hit], notes=(), ranked=None,
                    split: asks.Asks | None = None) -> Answer:
        sel, threshold = self.selector, self.settings.answer_threshold  # None: the fitted threshold
        if split is not None and len(split.asks) > 1 and hits:  # each ask answered on its own
            picks, unanswered = asks.pick_per_ask(
                split, lambda own, query: self._ranked(own, query, hits)[1],
                lambda ranked, n: extractive.select(ranked, sel, threshold, max_units=n), per_ask=sel.per_ask)
            notes = tuple(notes) + tuple(compose.nothing_about(a, lang) for a in unanswered if picks)
        else:
            ranked = ranked if ranked is not None else self._ranked(q, standalone, hits)[1]
            picks = extractive.select(ranked, sel, threshold)
            pairs = disagree.counterparts(picks, ranked, hits, sel.include_from) if picks else []
            if pairs:  # another document gives another value: show both, say so
                picks = sorted(set(picks) | {u for _, u in pairs}, key=lambda p: (p.hit, p.start))
                notes = tuple(notes) + (disagree.note(pairs, hits, lang),)
        if not picks:
            return compose.refusal(q, lang, "extractive", hits, standalone, tuple(notes))
        raw = extractive.cited_text(picks)
        quotes: dict[int, str] = {}
        for p in picks:
            quotes[p.hit + 1] = (quotes.get(p.hit + 1, "") + " " + p.quote).strip()
        return compose.verify(q, raw, hits, mode="extractive", lang=lang, today=self._today(),
                              stale_years=self.settings.stale_after_years, standalone=standalone,
                              similarity=self.similarity, quotes=quotes, notes=tuple(notes),
                              frame=_FRAME_EN if lang == "en" else "")

    def _ensure_model(self) -> None:
        """The local model's process is up (started on first use), or ModelError."""
        if self.model_server is not None:
            self.model_server.ensure(wait_s=min(self.settings.llm_timeout_s, self.settings.llm_start_timeout_s))

    def _messages(self, standalone: str, lang: str, hits: list[Hit], ranked, audience: str) -> list:
        """System: the fixed instructions (first, so the server's prompt cache keeps them).
        User: the best answer units under their passage numbers, the question, the per-request rules."""
        from langchain_core.messages import HumanMessage, SystemMessage

        units = sources.pick_units(ranked, self.settings.llm_source_tokens)
        # With the gate on, the extractive scorer has already found an answering passage: asking
        # the model to refuse "when the answer is not there" then made the small local model refuse
        # answerable questions; a refusal it still gives falls back to the extractive answer.
        refusal = "" if self.settings.llm_gate else \
            f' Staat het antwoord niet in de bronnen, antwoord dan alleen: "{compose.REFUSAL[lang]}"'
        user = render("answer", sources=sources.sources_block(hits, units), question=standalone,
                      language=_LANG[lang], tone=_TONE.get(audience, _TONE["professional"]), refusal=refusal)
        return [SystemMessage(load("answer_system")), HumanMessage(user)]

    def _llm(self, q: str, standalone: str, lang: str, hits: list[Hit], audience: str, first: list[float]):
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.runnables import RunnableLambda

        if not hits:
            return compose.refusal(q, lang, "llm", hits, standalone)
        ranked = self._ranked(q, standalone, hits)[1]
        gate = self._extractive(q, standalone, lang, hits, ranked=ranked) if self.settings.llm_gate else None
        if gate is not None and not gate.answered:  # nothing answers: the model is not asked
            return _with(gate, mode="llm")

        def fallback(*notes: str) -> Answer:  # the extractive answer, computed once, with a visible note
            if gate is not None:
                return _with(gate, notes=gate.notes + notes)
            return self._extractive(q, standalone, lang, hits, notes=notes, ranked=ranked)
        messages = self._messages(standalone, lang, hits, ranked, audience)
        chain = RunnableLambda(lambda _: messages) | self.chat_model() | StrOutputParser()
        pieces: list[str] = []
        t0 = time.perf_counter()
        # the local model answers one question at a time: wait for its turn at most half the
        # deadline (then the extractive answer now is better than a late one), then stream within
        # what is left of the deadline
        try:
            with (self.model_server.slot(self.settings.llm_timeout_s / 2) if self.model_server is not None
                  else contextlib.nullcontext()):
                self._ensure_model()
                for delta in stream_within(chain, self.settings.llm_timeout_s - (time.perf_counter() - t0)):
                    if not first:
                        first.append(time.perf_counter())
                    pieces.append(delta)
                    yield delta
        except Exception as exc:  # noqa: BLE001 - timeouts, HTTP errors, a crashed model process alike
            if self.model_server is not None and not isinstance(exc, ModelError):
                self.model_server.check()  # a process that stopped answering is killed and restarted
            note = f"Het taalmodel gaf geen antwoord ({type(exc).__name__}: {exc}); dit antwoord is extractief samengesteld."
            return fallback(note)
        raw = "".join(pieces).strip()
        if gate is not None and _only_refusal(raw):
            return fallback("Het taalmodel vond het antwoord niet in de bronnen; dit antwoord is extractief samengesteld.")
        answer = compose.verify(q, raw, hits, mode="llm", lang=lang, today=self._today(),
                                stale_years=self.settings.stale_after_years, standalone=standalone,
                                similarity=self.similarity, attribute=True)
        if not answer.answered and not compose.is_refusal(raw):
            # garbage or only unsupported sentences: fall back, visibly
            note = "Het antwoord van het taalmodel was niet met de bronnen te onderbouwen; dit antwoord is extractief samengesteld."
            extractive_answer = fallback(*answer.notes, note)
            if not extractive_answer.answered:
                return _with(extractive_answer, sentences=answer.sentences + extractive_answer.sentences)
            return extractive_answer
        return answer


def _only_refusal(raw: str) -> bool:
    """Every sentence of the model's reply says the documents don't say it ("… documenten. [1]"
    counts: small models cite their refusal)."""
    text = MARKER.sub("", raw).strip()
    return bool(text) and all(compose.is_refusal(text[a:b]) for a, b in split_sentences(text))


def _with(answer: Answer, **changes) -> Answer:
    from dataclasses import replace

    return replace(answer, **changes)


def _check_history(history) -> list[tuple[str, str]]:
    out = []
    for i, turn in enumerate(history or ()):
        if not isinstance(turn, (list, tuple)) or len(turn) != 2 or not all(isinstance(x, str) for x in turn):
            raise InputError(f"history[{i}] must be a [role, text] pair of strings, got {turn!r}")
        role, text = turn
        if role not in ("user", "assistant"):
            raise InputError(f"history[{i}] has role {role!r}; use 'user' or 'assistant'")
        out.append((role, text))
    return out
