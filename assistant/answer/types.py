"""The answer's frozen types: Answer, its sentences and its citations (what the CLI, the page
and the evals read). Non-goal: behaviour; the document-side types are in ingest/types.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.types import Hit

@dataclass(frozen=True)
class Citation:
    """Source [n] of an answer: the retrieved passage and the sentence(s) in it that support
    the answer (`quote`, for highlighting; "" when no single sentence was singled out)."""

    n: int
    hit: Hit
    quote: str = ""


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer with its citation numbers and the support check's verdict."""

    text: str
    cites: tuple[int, ...]
    supported: bool
    reason: str = ""  # why not supported, e.g. "number 2026 not in the cited passage"


@dataclass(frozen=True)
class Answer:
    """What `answer(question, history, filters)` returns (CLI, page and evals use it)."""

    question: str
    text: str  # with [n] markers; a refusal when answered is False
    answered: bool
    mode: str  # "extractive" | "llm"
    citations: tuple[Citation, ...] = ()
    sentences: tuple[AnswerSentence, ...] = ()
    standalone: str = ""  # the question made standalone from the history (retrieval query)
    notes: tuple[str, ...] = ()  # e.g. "LLM timed out; answered extractively", date notes
    timings: dict = field(default_factory=dict)  # ms: retrieve, generate, total
