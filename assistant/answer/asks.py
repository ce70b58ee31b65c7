"""A message split into its context and its asks, so that each ask is retrieved and answered.

"Mijn cliënt is 58 en wil een bol-opleiding volgen. Kan hij het levenlanglerenkrediet gebruiken,
en zo niet, wie betaalt de scholing?" -> context "Mijn cliënt is 58 en wil een bol-opleiding
volgen.", asks ("Kan hij het levenlanglerenkrediet gebruiken?", "Wie betaalt de scholing?").
The statements around the questions are the context: they inform every ask's retrieval query.
Two asks are two questions ("…? …?"), one question joined by ", en (zo niet,) <question word>",
or a comparison on one aspect ("het verschil tussen A en B wat betreft C": "A: C?", "B: C?").
Non-goals: lists (one ask whose answer has several items); answering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.answer.extractive import overlaps
from ingest.text import split_sentences

_QWORD = (r"wie|wat|hoe|hoeveel|hoelang|welke?|waar\w*|wanneer|waarom|mag|mogen|kan|kunnen|moet|moeten|"
          r"is|zijn|geldt|gelden|krijgt|krijg|komt|hangt|heeft|hebben|wordt|worden|in welk\w*|uit welk\w*|"
          r"who|what|how|which|where|when|why|can|does|do|is|are|will")
# ", en zo niet, wie …" / ", en hoeveel …" / ", and who …": the second ask of one sentence
_JOIN = re.compile(rf",\s+(?:en|of|and|or)\s+(?:(?:zo\s+(?:niet|ja)|if\s+not|if\s+so),\s+)?(?=(?:{_QWORD})\b)",
                   re.IGNORECASE)


# "het verschil tussen A en B wat betreft C" / "the difference between A and B in terms of C"
_COMPARE = re.compile(r"\b(?:verschil(?:t|len)?\s+tussen|difference\s+between)\s+(?P<a>.+?[^-])\s+(?:en|and)\s+"
                      r"(?P<b>.+?),?\s+(?:wat\s+betreft|qua|op\s+het\s+gebied\s+van|als\s+het\s+gaat\s+om|"
                      r"in\s+terms\s+of|regarding|when\s+it\s+comes\s+to)\s+(?P<c>.+?)\?$", re.IGNORECASE)


@dataclass(frozen=True)
class Asks:
    context: str  # the statements around the questions ("" when none)
    asks: tuple[str, ...]  # one or more questions, each ending in "?"

    def queries(self) -> tuple[str, ...]:
        """One retrieval query per ask: the context, then the ask."""
        return tuple(f"{self.context} {a}".strip() for a in self.asks)


def split_asks(message: str) -> Asks:
    """The message's context and asks; a message with one ask is Asks("", (message,))."""
    text = message.strip()
    sentences = [text[a:b].strip() for a, b in split_sentences(text)]
    asking = [s for s in sentences if s.endswith("?")]
    asks: list[str] = []
    for s in asking:
        compare = _COMPARE.search(s)
        if compare:  # one ask per side, on the same aspect
            asks += [_ask(f"{compare['a']}: {compare['c']}"), _ask(f"{compare['b']}: {compare['c']}")]
            continue
        asks += [_ask(p.strip(" ,")) for p in _JOIN.split(s) if p.strip(" ,")]
    if len(asks) < 2:
        return Asks("", (text,))
    context = " ".join(s for s in sentences if s not in asking)
    return Asks(context, tuple(asks))


def _ask(text: str) -> str:
    """A question as one stands alone: capital first letter, "?" at the end."""
    return text[0].upper() + text[1:] + ("" if text.endswith("?") else "?")


def merge_hits(rankings: list[list], k: int):
    """One hit list from one ranking per ask: taken in turns (the best of each ask first),
    each chunk once, at most k, renumbered 1..n."""
    seen, out = set(), []
    for i in range(max((len(r) for r in rankings), default=0)):
        for ranking in rankings:
            if i < len(ranking) and ranking[i].chunk.chunk_id not in seen and len(out) < k:
                seen.add(ranking[i].chunk.chunk_id)
                out.append(ranking[i])
    return [replace(h, rank=n) for n, h in enumerate(out, start=1)]


def pick_per_ask(split: Asks, rank, select, per_ask: int) -> tuple[list, list[str]]:
    """The units chosen for each ask on its own (rank(own_text, query) -> ranked units;
    select(ranked, max_sentences) -> picks), as one list without overlaps, and the asks
    nothing answered."""
    chosen, unanswered = [], []
    for ask, query in zip(split.asks, split.queries()):
        picks = select(rank(ask, query), per_ask)
        if not picks:
            unanswered.append(ask)
        chosen += [p for p in picks if not any(overlaps(p, c) for c in chosen)]
    return sorted(chosen, key=lambda p: (p.hit, p.start)), unanswered
