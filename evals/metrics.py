"""Evaluation metrics, each a small documented function. Inputs are plain strings and lists,
so every metric is unit-testable. Non-goals: running the assistant (run.py), reports (report.py).

Notation: an answer has sentences s_1..s_m; sentence s_i cites passages C_i; `supports(claim,
passages)` is a pluggable support judge (evals/judges.py; default: assistant.answer.support.check).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from assistant.answer.cite import MARKER, parse_citations

Supports = Callable[[str, list[str]], bool]
_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, markers removed, whitespace collapsed, '2.700' -> '2700'."""
    text = MARKER.sub(" ", text.lower())
    text = re.sub(r"(?<=\d)\.(?=\d{3}\b)", "", text)
    return _WS.sub(" ", text).strip()


def fact_hits(answer: str, facts: Sequence[Sequence[str]]) -> list[bool]:
    """Per key fact: does any of its accepted spellings occur in the answer (normalised)?
    Key-fact recall = mean(fact_hits)."""
    a = normalise(answer)
    return [any(normalise(alt) in a for alt in alts) for alts in facts]


def gold_rank(passages: Sequence[str], quote: str) -> int | None:
    """1-based rank of the first passage containing the gold quote (normalised), else None."""
    q = normalise(quote)
    for rank, p in enumerate(passages, start=1):
        if q and q in normalise(p):
            return rank
    return None


def hit_at(rank: int | None, k: int) -> float:
    """hit@k = 1 if the gold passage is among the top k, else 0 (averaged over questions)."""
    return 1.0 if rank is not None and rank <= k else 0.0


def reciprocal_rank(rank: int | None) -> float:
    """MRR term: 1/rank of the gold passage, 0 when not retrieved."""
    return 1.0 / rank if rank else 0.0


def answer_sentences(answer: str, n_sources: int) -> list[tuple[str, tuple[int, ...]]]:
    """(sentence, cited numbers) of an answer, without framing lines and date notes
    (lines starting "Let op:"/"Note:"/"According to"), which are about sources, not claims."""
    out = []
    for s in parse_citations(answer, n_sources):
        if re.match(r"(Let op:|Note:|According to the)", s.text):
            continue
        out.append((s.text, s.cites))
    return out


def citation_recall(sentences: Sequence[tuple[str, Sequence[str]]], supports: Supports) -> float | None:
    """ALCE citation recall = (1/m) * sum_i [C_i non-empty and supports(s_i, C_i)].
    `sentences`: (sentence, texts of its cited passages). None for an empty answer."""
    if not sentences:
        return None
    return sum(bool(c) and supports(s, list(c)) for s, c in sentences) / len(sentences)


def citation_precision(sentences: Sequence[tuple[str, Sequence[str]]], supports: Supports) -> float | None:
    """ALCE citation precision: a citation c of s_i is irrelevant when c alone does not support
    s_i AND the other citations C_i minus {c} still do; precision = relevant / all citations.
    (A single citation is relevant iff it supports its sentence.)"""
    total = relevant = 0
    for s, cites in sentences:
        cites = list(cites)
        for j, c in enumerate(cites):
            total += 1
            rest = cites[:j] + cites[j + 1:]
            alone = supports(s, [c])
            irrelevant = not alone and (bool(rest) and supports(s, rest))
            if len(cites) == 1:
                irrelevant = not alone
            relevant += not irrelevant
    return relevant / total if total else None


def faithfulness(claims: Sequence[str], context: Sequence[str], supports: Supports) -> float | None:
    """RAGAS-style faithfulness = |claims supported by the retrieved context| / |claims|.
    Claims are the answer's sentences (no LLM claim splitting offline)."""
    if not claims:
        return None
    return sum(supports(c, list(context)) for c in claims) / len(claims)


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100); nan for no values."""
    xs = sorted(values)
    if not xs:
        return math.nan
    pos = (len(xs) - 1) * p / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Sequence[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None
