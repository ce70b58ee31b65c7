"""Extractive answers (no LLM): pick the sentences in the retrieved passages that answer the
question, in source order, each followed by its [n]; refuse when none does.

Question-type aware: "hoeveel"/"how many" wants a number or amount, "wanneer"/"when" a date or
year, "wie"/"who" an organisation or person ("bij welke instantie" an organisation by name),
a yes/no question the sentence that settles it.
Table rows are answered from one row plus the table's header ("bedrag x € 1 mln"), restricted
to the years the question names. Scoring is the e5 cosine of question and unit plus
idf-weighted coverage of the question's terms (query.py parses them) plus the passage's
retrieval rank, so it is fast (no model call). Non-goals: parsing the question (query.py),
paraphrasing, translation (an English question gets the Dutch source sentences in an English
frame), generation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.query import GENERIC, Query  # the question side: its type, terms and unknown words
from ingest.text import YEAR as _YEAR
from ingest.text import split_sentences
from ingest.types import Hit
from ingest.units import row_text, sentences_of  # noqa: F401 - sentences_of is part of this module's API
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
    score: float


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


@dataclass(frozen=True)
class Weights:
    """The terms of a unit's score (see extract). Chosen by hand on the dev set and checked on
    both halves (MEASUREMENTS.md); issue 14 replaces them with weights fitted on `train`."""

    sem: float = 1.0  # cos(question, unit) from the e5 vectors
    lex: float = 0.1  # the lexical score
    type: float = 0.05  # (1 - type fit): a "hoeveel"/"wanneer" question wants a number/date
    year: float = 0.1  # a year the question names is missing from the unit
    unknown: float = 0.04  # per Dutch question word the corpus never uses (a compound counts half)
    asked: float = 0.1  # the asked-for noun is one of those words


WEIGHTS = Weights()


def extract(q: Query, hits: list[Hit], idf, qvec=None, vectors=None, threshold: float = 0.45,
            max_sentences: int = 3, margin: float = 0.05, weights: Weights = WEIGHTS) -> list[Pick]:
    """The sentences that answer `q`, returned in source order; empty when the best one does
    not reach `threshold` (the caller refuses).

    score = sem * cos(question, sentence) + lex * lexical score
            - type * (1 - type fit) - year * (a year the question names is missing)
            - unknown * (Dutch words of the question the corpus never uses; a compound of two
                         corpus words counts half)
            - asked * (the asked-for noun is one of them)                         (with vectors)
          = lexical score                                                       (without)
    The type term makes a "hoeveel"/"wanneer" question prefer the sentence with the number or
    date over a sentence that only names the topic (cosines of the two differ by ~0.01-0.03);
    the year term keeps "… in 2019?" from being answered by a table without a 2019 column; the
    unknown terms separate a question about something no document mentions from questions the
    documents answer. Weights: `Weights`.
    """
    return select(rank(q, hits, idf, qvec, vectors, weights), threshold, max_sentences, margin)


def rank(q: Query, hits: list[Hit], idf, qvec=None, vectors=None, weights: Weights = WEIGHTS) -> list[Pick]:
    """Every answer unit of the hits, best first, scored as extract() describes."""
    w = weights
    cands: list[tuple[int, str, str, int, float]] = []  # hit, text to show, quote, start, lexical
    embed_texts: list[str] = []
    for i, hit in enumerate(hits):
        context = f"{hit.meta.title} {hit.chunk.section}"
        head = hit.chunk.text.split("\n", 1)[0] if hit.chunk.kind == "table" else ""
        for text, quote, start in sentences_of(hit.chunk):
            shown = row_text(head, quote, q.years) if head else text
            cands.append((i, shown, quote, start, score(q, shown, context, i, idf, hit.chunk.text)))
            embed_texts.append(text)
    if not cands:
        return []
    if vectors is not None and qvec is not None:
        unknown = w.unknown * (len(q.unknown) - 0.5 * len(q.compounds)) + w.asked * (q.asked in q.unknown)
        sims = vectors.get(embed_texts) @ np.asarray(qvec, dtype=np.float32)
        scores = [w.sem * float(c) + w.lex * lex - w.type * (1.0 - _type_ok(q, text))
                  - w.year * (not all(y in text for y in q.years)) - unknown
                  for c, (_, text, _, _, lex) in zip(sims, cands)]
    else:
        scores = [lex for *_, lex in cands]
    return sorted((Pick(i, text, quote, start, sc) for (i, text, quote, start, _), sc in zip(cands, scores)),
                  key=lambda p: -p.score)


def select(scored: list[Pick], threshold: float, max_sentences: int = 3, margin: float = 0.05) -> list[Pick]:
    """From ranked units: the best, and those within `margin` of it that add something new, in
    source order; empty when the best is below `threshold`."""
    if not scored:
        return []
    best = scored[0].score
    if best < threshold:
        return []
    chosen = [scored[0]]
    for p in scored[1:]:
        if len(chosen) >= max_sentences or p.score < best - margin:
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
