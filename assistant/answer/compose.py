"""From raw answer text + retrieved hits to a verified Answer (both modes use this).

verify(): parse [n] markers, check each sentence against its cited passages (support.py),
drop unsupported sentences (listed in Answer.sentences with the reason), renumber the cited
passages 1..m in order of first use, add the date note for old documents, refuse when nothing
is left. Pure functions: no models, no I/O. Non-goal: choosing sentences (extractive.py) or
generating them (chain.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from collections.abc import Callable, Sequence

from assistant.answer.cite import MARKER, parse_citations, split_sentences
from assistant.answer.query import GENERIC
from assistant.answer.support import check
from ingest.types import Hit
from assistant.answer.types import Answer, AnswerSentence, Citation
from ingest.index import doc_year
from ingest.lexical import analyse, term_set

REFUSAL = {"nl": "Dat staat niet in de documenten.", "en": "The documents do not say."}
_REFUSAL_RE = re.compile(r"staat niet in de documenten|documents do not (say|contain)|"
                         r"documents don't (say|contain)|niet in de bronnen|not in the sources", re.I)
_SITE = re.compile(r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:nl|com|org|eu)\b(?:/[^\s)]*)?", re.I)


def nothing_about(ask: str, lang: str) -> str:
    """The note for one ask of several that no passage answers."""
    return (f"The documents say nothing about: \u201c{ask}\u201d" if lang == "en"
            else f"Over \u201e{ask}\u201d zeggen de documenten niets.")


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL_RE.search(text))


def best_quote(sentence: str, passage: str) -> str:
    """The passage sentence that shares most words with `sentence` (for highlighting)."""
    words = set(analyse(sentence))
    best, best_score = "", 0.0
    for a, b in split_sentences(passage):
        part = passage[a:b].strip()
        score = len(words & term_set(part)) / (len(words) or 1)
        if score > best_score:
            best, best_score = part, score
    return best


def date_note(cited: Sequence[Hit], lang: str, today: dt.date, years: int) -> str:
    """'Let op: dit komt uit de werkwijzer (2021) [1] en de Kamerbrief (2018-03-14) [2]; …' for
    the cited documents older than `years`, each with its own date and its own markers."""
    old: dict[str, tuple[str, str, list[int]]] = {}  # doc_id -> (kind, when, citation numbers)
    for n, hit in enumerate(cited, start=1):
        y = doc_year(hit.meta)
        if y and y < today.year - years:
            date = hit.meta.date or hit.meta.period
            when = date if re.fullmatch(r"\d{4}-\d\d-\d\d", date or "") else str(y)
            old.setdefault(hit.chunk.doc_id, (hit.meta.doc_type, when, []))[2].append(n)
    if not old:
        return ""
    en = lang == "en"

    def name(kind: str) -> str:  # "de werkwijzer", "the Kamerbrief"; "een document" without a type
        return f"{'the' if en else 'de'} {kind}" if kind else ("a document" if en else "een document")
    parts = [f"{name(kind)} ({when}) {''.join(f'[{n}]' for n in ns)}" for kind, when, ns in old.values()]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + (" and " if en else " en ") + parts[-1]
    if en:
        return f"Note: this comes from {joined}; check whether it still applies."
    return f"Let op: dit komt uit {joined}; controleer of het nog actueel is."


def pointers(hits: Sequence[Hit], lang: str, question: str = "") -> str:
    """For a refusal: websites the closest passages name (no facts, only where to look): an
    address in a sentence that shares a specific word with the question (outside the address),
    else the links listed with a passage that shares one. An unrelated question ("Wie won het
    WK voetbal?") shares none and gets no pointer."""
    want = {t for t in term_set(question) if not t[0].isdigit()} - GENERIC
    for hit in hits[:3] if want else ():
        text, sites = hit.chunk.text, []
        for a, b in split_sentences(text):
            sentence = text[a:b]
            found = [m.group(0).rstrip(".,") for m in _SITE.finditer(sentence)]
            if found and want & term_set(_SITE.sub(" ", sentence)):
                sites += found
        if not sites and hit.chunk.links and want & term_set(_SITE.sub(" ", text)):
            sites = [u.rstrip(".,") for u in hit.chunk.links]
        if sites:
            # addresses whose words match the question first ("…/hoogte-lesgeld-en-cursusgeld-mbo")
            sites = sorted(dict.fromkeys(sites), key=lambda u: -len(want & term_set(re.sub(r"[/._-]", " ", u))))
            shown = ", ".join(sites[:2])
            if lang == "en":
                return f"The closest document ({hit.meta.title}) refers to {shown}."
            return f"Het document dat er het dichtst bij komt ({hit.meta.title}) verwijst naar {shown}."
    return ""


def refusal(question: str, lang: str, mode: str, hits: Sequence[Hit], standalone: str = "",
            notes: tuple[str, ...] = (), sentences: tuple[AnswerSentence, ...] = ()) -> Answer:
    text = REFUSAL[lang]
    hint = pointers(hits, lang, standalone or question)
    return Answer(question=question, text=f"{text} {hint}".strip(), answered=False, mode=mode,
                  sentences=sentences, standalone=standalone or question, notes=notes)


def verify(question: str, raw: str, hits: Sequence[Hit], *, mode: str, lang: str,
           today: dt.date, stale_years: int = 3, standalone: str = "",
           similarity: Callable[[str, str], float] | None = None,
           quotes: dict[int, str] | None = None, notes: tuple[str, ...] = (),
           frame: str = "", attribute: bool = False) -> Answer:
    """Check `raw` (with [n] markers over `hits`, 1-based) and build the final Answer."""
    if is_refusal(raw) and not MARKER.search(raw):
        return refusal(question, lang, mode, hits, standalone, notes)
    checked: list[AnswerSentence] = []
    kept: list[tuple[str, tuple[int, ...]]] = []
    for s in parse_citations(raw, len(hits)):
        if not s.text or is_refusal(s.text) or not re.search(r"\w", s.text):
            continue
        if s.invalid:
            checked.append(AnswerSentence(s.text, s.cites, False, f"cites unknown source {s.invalid[0]}"))
            continue
        if not s.cites and attribute:
            s = _attribute(s, hits, similarity)
        if not s.cites:
            checked.append(AnswerSentence(s.text, (), False, "no citation"))
            continue
        v = check(s.text, [hits[c - 1].chunk.text for c in s.cites], similarity)
        if not v.supported and attribute:  # cited the wrong source: does another one support it?
            moved = _attribute(replace(s, cites=()), hits, similarity)
            if moved.cites:
                s, v = moved, check(s.text, [hits[moved.cites[0] - 1].chunk.text], similarity)
        checked.append(AnswerSentence(s.text, s.cites, v.supported, v.reason))
        if v.supported:
            kept.append((s.text, s.cites))
    if not kept:
        dropped = sum(not s.supported for s in checked)
        extra = (f"{dropped} zin(nen) zonder onderbouwing in de bronnen weggelaten",) if dropped else ()
        return refusal(question, lang, mode, hits, standalone, notes + extra, tuple(checked))
    order: list[int] = []  # old source number -> position in the new numbering
    for _, cites in kept:
        for c in cites:
            if c not in order:
                order.append(c)
    new = {old: i for i, old in enumerate(order, start=1)}
    cited = [hits[c - 1] for c in order]
    lines = [f"{text} " + "".join(f"[{new[c]}]" for c in cites) for text, cites in kept]
    final_sentences = []
    for s in checked:
        final_sentences.append(AnswerSentence(s.text, tuple(new.get(c, c) for c in s.cites) if s.supported
                                              else s.cites, s.supported, s.reason))
    body = " ".join(lines)
    text = f"{frame}\n{body}" if frame else body
    note = date_note(cited, lang, today, stale_years)
    if note:
        text += "\n\n" + note
    dropped = sum(not s.supported for s in checked)
    if dropped:
        notes = notes + (f"{dropped} zin(nen) weggelaten: niet onderbouwd door de aangehaalde bron",)
    quotes = quotes or {}
    citations = []
    for i, hit in enumerate(cited, start=1):
        old = order[i - 1]
        quote = quotes.get(old) or best_quote(" ".join(t for t, c in kept if old in c), hit.chunk.text)
        citations.append(Citation(i, hit, quote))
    return Answer(question=question, text=text, answered=True, mode=mode, citations=tuple(citations),
                  sentences=tuple(final_sentences), standalone=standalone or question,
                  notes=notes + ((note,) if note else ()))


def _attribute(s, hits: Sequence[Hit], similarity):
    """Small models often forget the [n]: cite the best passage that passes the support check
    (never a passage that does not support the sentence)."""
    best, best_score = None, 0.0
    for n, hit in enumerate(hits, start=1):
        v = check(s.text, [hit.chunk.text], similarity)
        if v.supported and v.score > best_score:
            best, best_score = n, v.score
    return replace(s, cites=(best,)) if best else s


def as_dict(answer: Answer) -> dict:
    """The `ask --json` contract."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "answered": answer.answered,
        "mode": answer.mode,
        "standalone_question": answer.standalone,
        "citations": [{
            "n": c.n, "doc_id": c.hit.chunk.doc_id, "title": c.hit.meta.title,
            "date": c.hit.meta.date or c.hit.meta.period, "doc_type": c.hit.meta.doc_type,
            "section": c.hit.chunk.section, "page": c.hit.chunk.page, "text": c.hit.chunk.text,
            "start": c.hit.chunk.start, "end": c.hit.chunk.end, "quote": c.quote,
        } for c in answer.citations],
        "sentences": [{"text": s.text, "cites": list(s.cites), "supported": s.supported,
                       "reason": s.reason} for s in answer.sentences],
        "notes": list(answer.notes),
        "timings_ms": {k: round(v, 1) for k, v in answer.timings.items()},
    }
