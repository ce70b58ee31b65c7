"""Follow-up questions made standalone before retrieval.

Rule-based (extractive mode, no model): an elliptic follow-up ("En hoe lang duurt die op
niveau 4?", "And in 2026?") gets the previous user question's topic words put in front of it,
and the uncommon words of the previous answer (what "die regeling" or "daar" may point to when
only the answer named it: "het Leerwerkloket", "de leerwerksubsidie").
LLM mode uses the condense prompt (prompts/condense.txt) through chain.py, and falls back to
this rule when the model fails. Non-goal: coreference resolution beyond the previous turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.lexical import analyse

_ELLIPTIC_START = re.compile(r"^(en|maar|of|ook|and|but|or|also|wat als|what if|hoe zit het|what about)\b", re.I)
_POINTER = re.compile(r"\b(die|dat|deze|dit|daar\w*|hier\w*|hij|zij|ze|ervan|erop|it|that|this|"
                      r"they|them|there|those|these)\b", re.I)
_QWORDS = {"wat", "wie", "wanneer", "hoe", "hoeveel", "hoelang", "welke", "welk", "waar", "waarom",
           "mag", "kan", "moet", "is", "zijn", "what", "who", "when", "how", "which", "where", "why",
           "can", "does", "do", "is", "are", "the", "een", "de", "het", "van", "voor", "in", "op",
           "mijn", "ik", "je", "u", "a", "an", "of", "for", "my", "i", "you", "en", "and"}

_VERBS = set(analyse("betaalt betalen betaald kost kosten duurt duren krijg krijgt krijgen mag mogen kan "
                     "kunnen moet moeten geldt gelden doet doen werkt werken zit zitten gaat gaan "
                     "is zijn wordt worden heeft hebben lang hoog veel precies ook nog pays pay cost "
                     "costs last lasts take takes get gets long much many"))

History = Sequence[tuple[str, str]]  # [(role, text)], role "user" | "assistant"


def last_user_question(history: History) -> str:
    return _last(history, "user")


def _last(history: History, role: str) -> str:
    for who, text in reversed(list(history)):
        if who == role and text.strip():
            return text.strip()
    return ""


_RARE_ZIPF = 3.0  # wordfreq's log10 frequency per billion words: "leerwerkloket" 0, "uitkering" 3.6
_MAX_ANSWER_WORDS = 6


def answer_words(answer: str) -> list[str]:
    """The previous answer's uncommon words (names, acronyms, domain terms), first ones first;
    citation markers and the date note are not part of it."""
    from wordfreq import zipf_frequency

    text = re.sub(r"\[\d+\]", " ", answer.split("\n\n", 1)[0])
    out: list[str] = []
    for w in topic_words(text):
        if zipf_frequency(w.lower(), "nl") < _RARE_ZIPF and not w[0].isdigit() and w not in out:
            out.append(w)
    return out[:_MAX_ANSWER_WORDS]


def is_elliptic(question: str) -> bool:
    q = question.strip()
    content = [t for t in analyse(q) if not t[0].isdigit()]
    topics = [t for t in content if t not in _VERBS]
    # a pointer word ("die", "that") only signals a follow-up in a short question; a question
    # without any topic word ("Wie betaalt?") needs the previous one; "Wat is de hoofdstad van
    # Australië?" has its own topic and stands alone
    return bool(_ELLIPTIC_START.match(q) or not topics or (_POINTER.search(q) and len(content) <= 3))


def topic_words(question: str) -> list[str]:
    words = re.findall(r"[\w][\w-]*", question)
    return [w for w in words if w.lower() not in _QWORDS and analyse(w)]


def standalone(question: str, history: History) -> str:
    """The question itself when it stands alone; else the previous topic + the question."""
    prev = last_user_question(history)
    if not prev or not is_elliptic(question):
        return question
    have = set(analyse(question))
    extra = [w for w in topic_words(prev) + answer_words(_last(history, "assistant"))
             if not set(analyse(w)) <= have]
    extra = list(dict.fromkeys(extra))
    return f"{' '.join(extra)}: {question}" if extra else question
