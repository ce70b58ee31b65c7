"""Extractive answers (no LLM): pick the sentences in the retrieved passages that answer the
question, in source order, each followed by its [n]; refuse when none does.

Question-type aware: "hoeveel"/"how many" wants a number or amount, "wanneer"/"when" a date or
year, "wie"/"who" an organisation or person ("bij welke instantie" an organisation by name),
a yes/no question the sentence that settles it.
Table rows are answered from one row plus the table's header ("bedrag x € 1 mln"), restricted
to the years the question names. Each unit gets features (e5 cosine of question and unit,
idf-weighted coverage of the question's terms, type and year fit, unknown words, passage rank,
unit kind; selection.FEATURES) that a logistic model fitted on the tuning questions (train +
dev) turns into P(the unit states a key fact) (selection.py), so it is fast (no model call). Non-goals: parsing the question (query.py),
paraphrasing, translation (an English question gets the Dutch source sentences in an English
frame), generation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer import selection
from assistant.answer.query import GENERIC, Query  # the question side: its type, terms and unknown words
from assistant.answer.selection import Selector
from ingest.text import YEAR as _YEAR
from ingest.text import split_sentences
from ingest.types import Hit
from ingest.units import leans_on_previous, row_text, sentences_of  # noqa: F401 - sentences_of is part of this module's API
from ingest.lexical import analyse, term_set

_NUMBER = re.compile(r"\d")
_MONTH = re.compile(r"\b(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
                    r"november|december|voorjaar|najaar|zomer|winter)\b", re.IGNORECASE)
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b|\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+\b")
_SPECIFIC_IDF = 2.0  # idf above which a missing question word counts as a missing topic
_MISSING_PENALTY = 0.6


@dataclass(frozen=True)
class Pick:
    """A chosen sentence: which hit (0-based), its text for the answer, its span in the chunk."""

    hit: int
    text: str
    quote: str  # the original text in the chunk (for highlighting)
    start: int
    score: float  # P(states a key fact) from the selector (with vectors), else the lexical score
    features: tuple[float, ...] = ()  # selection.FEATURES of the unit (empty without vectors)


def _type_ok(q: Query, sentence: str) -> float:
    if q.kind == "number":
        return 1.0 if _NUMBER.search(sentence) or re.search(
            r"\b(twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twintig|honderd|duizend|half|helft|"
            r"enkele|miljoen|miljard|(\w+)?(dagen|weken|maanden|jaar|jaren))\b", sentence, re.I) else 0.0
    if q.kind == "date":
        return 1.0 if _YEAR.search(sentence) or _MONTH.search(sentence) else 0.0
    if q.kind == "where":
        return 1.0 if _ACRONYM.search(sentence) or re.search(
            r"\b[\w-]+\.(nl|com|org|eu)\b|www\.|\b(website|site|loket|meldpunt|portaal|servicedesk)\w*",
            sentence, re.I) else 0.3
    if q.kind == "org":
        return 1.0 if _ACRONYM.search(sentence) or re.search(
            r"\b(gemeente|UWV|SBB|DUO|Rijksdienst|ministerie|kabinet|raad|loket|stichting|instituut|"
            r"dienst|inspectie)\w*", sentence, re.I) else 0.3
    if q.kind == "who":
        return 1.0 if _ACRONYM.search(sentence) or re.search(
            r"\b(werkgever|gemeente|school|instelling|student|minister|kabinet|UWV|SBB|DUO|jongere|"
            r"mens|kandida|deelnemer|iedereen|werkzoekende|werkende|leerling|volwassene|nieuwkomer|"
            r"ouder|docent|bedrijf|organisatie|instantie|raad)\w*", sentence, re.I) else 0.3
    return 1.0


def _compound_match(term: str, terms: set[str]) -> bool:
    """Dutch compounds: 'maatwerkscholing' ~ {'maatwerk', 'scholing'}; 'leerbaan' ~ 'bbl-leerbaan'."""
    if len(term) < 5 or term[0].isdigit():
        return False
    for t in terms:
        if len(t) >= 4 and not t[0].isdigit() and (t in term or term in t):
            return True
    return False


def score(q: Query, sentence: str, context: str, rank: int, idf, passage: str = "") -> float:
    """idf-weighted share of question terms in the sentence (compound parts 0.7, section/title
    0.5, rest of the passage 0.3), x type fit, x a penalty per specific term found nowhere,
    x a mild retrieval-rank prior."""
    if not q.terms:
        return 0.0
    sent_terms = term_set(sentence)
    ctx_terms = term_set(context)
    psg_terms = term_set(passage) if passage else frozenset()
    total = got = 0.0
    missing = 0
    for t in q.terms:
        w = idf(t)
        if w is None:  # unresolved terms are handled by resolve_terms (q.unknown)
            continue
        w *= 0.3 if t in GENERIC else 1.0
        w *= 0.5 if q.own and t not in q.own else 1.0
        total += w
        alts = q.alternatives.get(t, ())
        if t in sent_terms or any(a in sent_terms for a in alts):
            got += w
        elif _compound_match(t, sent_terms):
            got += 0.7 * w
        elif t in ctx_terms:
            got += 0.5 * w
        elif t in psg_terms or _compound_match(t, psg_terms):
            got += 0.3 * w
        elif w >= _SPECIFIC_IDF and t not in GENERIC:
            missing += 1  # a specific word of the question appears nowhere near this sentence
    coverage = got / total if total else 0.0
    coverage *= _MISSING_PENALTY ** (missing + len(q.unknown))
    if q.years and not all(y in sentence for y in q.years):
        coverage *= 0.4
    return coverage * (0.5 + 0.5 * _type_ok(q, sentence)) * (1.0 / (1 + 0.08 * rank))


def extract(q: Query, hits: list[Hit], idf, qvec=None, vectors=None, selector: Selector | None = None,
            threshold: float | None = None, max_units: int | None = None) -> list[Pick]:
    """The units that answer `q`, in source order; empty when none is likely enough (the caller
    refuses). With vectors a unit's score is the fitted selector's P(the unit states a key fact)
    from its features (selection.FEATURES); without, its lexical score."""
    sel = selector or selection.fitted()
    return select(rank(q, hits, idf, qvec, vectors, sel), sel, threshold, max_units)


def rank(q: Query, hits: list[Hit], idf, qvec=None, vectors=None, selector: Selector | None = None) -> list[Pick]:
    """Every answer unit of the hits, best first, scored as extract() describes."""
    cands: list[tuple[int, str, str, int, float]] = []  # hit, text to show, quote, start, lexical
    embed_texts: list[str] = []
    kinds: list[tuple[float, float]] = []  # (table row, list introduction with its items) per unit
    for i, hit in enumerate(hits):
        context = f"{hit.meta.title} {hit.chunk.section}"
        head = hit.chunk.text.split("\n", 1)[0] if hit.chunk.kind == "table" else ""
        for text, quote, start in sentences_of(hit.chunk):
            shown = row_text(head, quote, q.years) if head else text
            cands.append((i, shown, quote, start, score(q, shown, context, i, idf, hit.chunk.text)))
            embed_texts.append(text)
            kinds.append((float(bool(head)), float("\n" in quote.strip() and not head)))
    if not cands:
        return []
    if vectors is None or qvec is None:
        return sorted((Pick(i, t, quote, start, lex) for i, t, quote, start, lex in cands), key=lambda p: -p.score)
    sel = selector or selection.fitted()
    sims = [float(c) for c in vectors.get(embed_texts) @ np.asarray(qvec, dtype=np.float32)]
    lexes = [c[4] for c in cands]
    best_sem, best_lex = max(sims), max(lexes)
    sem_rank, lex_rank = _places(sims), _places(lexes)
    unknown = len(q.unknown) - 0.5 * len(q.compounds)
    unknown_share = len(q.unknown) / max(1, len(q.terms) + len(q.unknown))
    english = float(q.lang == "en")
    picks = []
    for k, (sem, (i, text, quote, start, lex), (row, items)) in enumerate(zip(sims, cands, kinds)):
        x = (sem, best_sem - sem, lex, best_lex - lex, math.log1p(sem_rank[k]), math.log1p(lex_rank[k]),
             1.0 - _type_ok(q, text), float(not all(y in text for y in q.years)), unknown, unknown_share,
             float(q.asked in q.unknown), math.log1p(i), row, items, float(leans_on_previous(quote)),
             math.log(max(len(text), 1)), english)
        picks.append(Pick(i, text, quote, start, sel.probability(x), x))
    return sorted(picks, key=lambda p: -p.score)


def _places(values: list[float]) -> list[int]:
    """Each value's place when sorted high to low (0 = the highest)."""
    order = sorted(range(len(values)), key=lambda k: -values[k])
    places = [0] * len(values)
    for place, k in enumerate(order):
        places[k] = place
    return places


def select(scored: list[Pick], selector: Selector | None = None, threshold: float | None = None,
           max_units: int | None = None) -> list[Pick]:
    """From ranked units: the best, and those from `include_from` that add something new, at most
    `max_units`, in source order; empty when the answerability of the best (its score without
    vectors) is below the refusal threshold."""
    sel = selector or selection.fitted()
    threshold = sel.refuse_below if threshold is None else threshold
    limit = sel.max_units if max_units is None else max_units
    if not scored:
        return []
    best = scored[0]
    answerable = sel.answerable(best.features, best.score) if best.features else best.score
    if answerable < threshold:
        return []
    chosen = [scored[0]]
    for p in scored[1:]:
        if len(chosen) >= limit or p.score < sel.include_from:
            break
        if any(overlaps(p, c) or near_duplicate(p.text, c.text) for c in chosen):
            continue
        chosen.append(p)
    return sorted(chosen, key=lambda p: (p.hit, p.start))


def overlaps(a: Pick, b: Pick) -> bool:
    """Two units sharing text of the same passage (a sentence and the pair it starts)."""
    return a.hit == b.hit and a.start < b.start + len(b.quote) and b.start < a.start + len(a.quote)


def near_duplicate(a: str, b: str) -> bool:
    """The same statement in two places (word sets overlap > 80% of the larger one)."""
    ta, tb = term_set(a), term_set(b)
    return bool(ta and tb) and len(ta & tb) / max(len(ta), len(tb)) > 0.8


def cited_text(picks: Sequence[Pick]) -> str:
    """The picks' sentences, each with its passage number. A unit may hold two sentences ("… Dat
    geld zit in het Participatiebudget."), so each is cited; a sentence that two passages both
    say (documents repeat their headline figures) is shown once, citing both."""
    sentences: list[tuple[str, list[int]]] = []  # [(text, passage numbers)]
    for p in picks:
        for a, b in split_sentences(p.text):
            text = p.text[a:b].strip()
            same = next((s for s in sentences if near_duplicate(text, s[0])), None)
            if same is None:
                sentences.append((text, [p.hit + 1]))
            elif p.hit + 1 not in same[1]:
                same[1].append(p.hit + 1)
    return " ".join(f"{text} " + "".join(f"[{n}]" for n in ns) for text, ns in sentences)
