"""Extractive answers (no LLM): pick the sentences in the retrieved passages that answer the
question, in source order, each followed by its [n]; refuse when none does.

Question-type aware: "hoeveel"/"how many" wants a number or amount, "wanneer"/"when" a date or
year, "wie"/"who" an organisation or person ("bij welke instantie" an organisation by name),
a yes/no question the sentence that settles it.
Table rows are answered from one row plus the table's header ("bedrag x € 1 mln"), restricted
to the years the question names. Scoring is idf-weighted coverage of the question's terms
(stemmed; English terms mapped to the corpus' Dutch terms by a small glossary) plus the
passage's retrieval rank, so it is fast (no model call). Non-goals: paraphrasing, translation
(an English question gets the Dutch source sentences in an English frame), generation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files

import numpy as np

from assistant.types import Hit
from assistant.units import row_text, sentences_of  # noqa: F401 - sentences_of is part of this module's API
from ingest.lexical import analyse

_EN_WORDS = {"the", "what", "who", "when", "how", "is", "are", "does", "do", "can", "which", "of",
             "for", "a", "an", "in", "to", "much", "many", "long", "and", "with", "my", "i", "it"}
_NL_WORDS = {"de", "het", "een", "wat", "wie", "wanneer", "hoe", "is", "zijn", "kan", "welke", "van",
             "voor", "in", "en", "met", "mijn", "ik", "mag", "moet", "hoeveel", "hoelang", "die", "dat",
             "je", "jij", "als", "nog", "niet", "ook", "er", "om", "te", "bij", "naar", "aan", "wordt",
             "word", "gaat", "ga", "heb", "hebt", "kun", "kunt", "wil", "waar", "waarom", "welk", "wij",
             "we", "ze", "zij", "geen", "krijg", "krijgt", "hoelang", "nu", "dan", "wel", "deze", "dit"}
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"\d")
_MONTH = re.compile(r"\b(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
                    r"november|december|voorjaar|najaar|zomer|winter)\b", re.IGNORECASE)
_ACRONYM = re.compile(r"\b[A-Z]{2,}\b|\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)+\b")
_YESNO = re.compile(r"^(mag|kan|kun|moet|is|zijn|heeft|hebben|krijg|krijgt|wordt|worden|blijft|"
                    r"behoud|telt|geldt|bestaat|can|may|must|is|are|does|do|will|should)\b", re.I)
# grammar words the analyser keeps but that never name a topic ("word je …", "zo'n traject")
_QUESTION_STOP = set(analyse("word zo'n z'n m'n d'r erin erop eraan ermee erbij hoelang stond stonden "
                             "ging gingen kreeg kregen"))
# words about the documents themselves ("volgens de tabel", "in de investeringstabel"): never a topic
_DOC_WORDS = tuple(analyse("tabel bijlage paragraaf hoofdstuk figuur pagina"))
# "Wat is het X", "Hoe hoog is de X", "Hoeveel X", "Welke X": X is what the question asks for
_ASKED = re.compile(r"^(?:(?:wat|hoe hoog|hoe groot|hoe lang)\s+(?:is|zijn|was|waren|bedraagt|bedragen|kost|kosten)"
                    r"\s+(?:de|het|een)\s+|(?:hoeveel|welke?)\s+(?:is\s+(?:de|het)\s+)?)([^\W\d_][\w'-]*)", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u00C0-\u00DE])")
_SPECIFIC_IDF = 2.0  # idf above which a missing question word counts as a missing topic
_MISSING_PENALTY = 0.6
# generic words that say little about which sentence answers
# (question phrasing: "volgens", "zou", "mijn cliënt", "precies" …)
_GENERIC = set(analyse(
    "mbo student studenten opleiding opleidingen volgen volgens krijgen krijg krijgt gaan gaat doen "
    "doet zitten staan staat document documenten vraag vragen mogelijk zou zouden welk welke "
    "moeten moet kunnen kan worden wordt heeft hebben vindt ligt geeft geven nu precies eigenlijk "
    "gewoon ongeveer meestal cliënt client klant iemand mensen persoon the on of what which does"))


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # number | date | who | yesno | open
    lang: str  # nl | en
    terms: tuple[str, ...]  # analysed (stemmed) content terms, incl. Dutch glossary terms
    years: tuple[str, ...]
    unknown: tuple[str, ...] = ()  # Dutch question words the corpus never uses (see resolve_terms)
    # those of them that join two corpus words ('certificaattraject'): a weaker sign, half weight
    compounds: tuple[str, ...] = ()
    alternatives: dict = field(default_factory=dict)  # abbreviation term -> terms it stands for
    # a follow-up's own words; the topic words added from the conversation weigh half (empty: all own)
    own: frozenset = frozenset()
    # words only in a statement around the question ("Ik ben klantmanager bij de gemeente."):
    # a corpus that never uses them is not a sign that the question is out of scope
    background: frozenset = frozenset()
    asked: str = ""  # the analysed noun right after the question word ("Wat is het telefoonnummer …")
    common: frozenset = frozenset()  # terms of everyday Dutch words ("hoog", "geld"): never a sign of scope


@dataclass(frozen=True)
class Pick:
    """A chosen sentence: which hit (0-based), its text for the answer, its span in the chunk."""

    hit: int
    text: str
    quote: str  # the original text in the chunk (for highlighting)
    start: int
    score: float


@lru_cache(maxsize=1)
def glossary() -> tuple[tuple[tuple[str, ...], str], ...]:
    """((english alternatives…), "dutch terms") rows of data/glossary_en_nl.txt."""
    rows = []
    for line in files("assistant").joinpath("data/glossary_en_nl.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "|" in line:
            en, nl = line.split("|", 1)
            rows.append((tuple(e.strip().lower() for e in en.split(",") if e.strip()), nl.strip()))
    return tuple(rows)


def _glossary_hits(text: str) -> list[str]:
    low = " " + re.sub(r"[^\w -]", " ", text.lower()) + " "
    return [nl for ens, nl in glossary() if any(f" {e} " in low for e in ens)]


def language(text: str) -> str:
    words = re.findall(r"[a-z]+", text.lower())
    en = sum(w in _EN_WORDS for w in words)
    nl = sum(w in _NL_WORDS for w in words)
    return "en" if en > nl else "nl"


@lru_cache(maxsize=1)
def abbreviations() -> tuple[tuple[str, str], ...]:
    rows = []
    for line in files("assistant").joinpath("data/abbreviations.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "|" in line:
            short, long = line.split("|", 1)
            rows.append((short.strip(), long.strip()))
    return tuple(rows)


def expand_english(text: str) -> str:
    """Append the glossary's Dutch terms for the English words in `text`."""
    extra = _glossary_hits(text)
    return text + (" " + " ".join(extra) if extra else "")


def expand_abbreviations(text: str) -> str:
    """Append what abbreviations such as "bpv" or "stufi" stand for (the corpus may spell it out)."""
    low = re.sub(r"[^\w -]", " ", text.lower())
    extra = [long for short, long in abbreviations() if re.search(rf"\b{re.escape(short)}\b", low)]
    return text + (" " + " ".join(extra) if extra else "")


def parse_query(question: str, own: str = "") -> Query:
    """`question` is the standalone question; `own` the user's words when it was a follow-up."""
    lang = language(question)
    low = question.lower().strip()
    if re.search(r"\b(hoeveel|hoe ?veel|how (many|much)|welk bedrag|what amount|hoe hoog|wat kost|"
                 r"hoeveel geld|how high|(welke|what) (leeftijd|age)|hoe oud|how old|verhouding|percentage|"
                 r"welk deel|ratio|what share)\b", low) \
            or re.search(r"\bhoe ?lang\b|\bhow long\b", low):
        kind = "number"
    elif re.search(r"\b(wanneer|per wanneer|vanaf wanneer|sinds wanneer|in welk jaar|when|what year)\b", low):
        kind = "date"
    elif re.search(r"\b(welke (organisaties?|instanties?|ministeries?)|bij (welke|wie)\b.*\baan(vragen|melden)?\b|"
                   r"which (organi[sz]ations?|agency|body)|where do(es)? \w+ apply)\b", low):
        kind = "org"  # an organisation by name, not a role such as "werkgever"
    elif re.search(r"\b(wie|welke partij(en)?|bij wie|who)\b", low):
        kind = "who"
    elif re.match(r"(waar (kan|kun|moet|vind|zie|meld|vraag)|where (can|do|does|should))\b", low):
        kind = "where"  # a place to go: a website, a desk, an organisation
    elif _YESNO.match(low):
        kind = "yesno"
    else:
        kind = "open"
    alts: dict[str, tuple[str, ...]] = {}
    terms = tuple(dict.fromkeys(t for t in analyse(question) if not _YEAR.fullmatch(t) and t not in _QUESTION_STOP))
    if lang == "en":  # each glossary row is one requirement that any of its Dutch terms meets
        for nl in _glossary_hits(question):
            group = analyse(nl)
            if group:
                alts[group[0]] = tuple(group[1:])
                terms += (group[0],)
        terms = tuple(dict.fromkeys(terms))
    for short, long in abbreviations():  # "bpv" is also satisfied by "beroepspraktijkvorming"
        for t in analyse(short):
            if t in terms and t not in alts:
                alts[t] = tuple(analyse(long))
    mine = frozenset(analyse(own)) if own and own != question else frozenset()
    asked = _ASKED.match(low)
    asked_terms = analyse(asked.group(1)) if asked else []
    return Query(question, kind, lang, terms, tuple(_YEAR.findall(question)), alternatives=alts, own=mine,
                 background=_background(question), asked=asked_terms[0] if asked_terms else "",
                 common=_common_terms(question) if lang == "nl" else frozenset())


_COMMON_ZIPF = 4.5  # wordfreq's log10 frequency per billion words: "hoog" 5.0, "telefoonnummer" 4.1


def _common_terms(question: str) -> frozenset:
    """Terms of the question's everyday Dutch words. A small corpus (the five documents, or a
    test fixture) lacks many of them, and their absence says nothing about what it covers; a
    rare word it lacks ("openingstijden", "minimumjeugdloon") does."""
    from wordfreq import zipf_frequency

    words = re.findall(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", question.lower())
    return frozenset(t for w in words if zipf_frequency(w, "nl") >= _COMMON_ZIPF for t in analyse(w))


def _background(question: str) -> frozenset:
    """Terms only found in the statements around the question proper (the sentences that neither
    end in "?" nor start like a question); empty when there is one sentence."""
    parts = [p.strip() for p in _SENTENCE.split(question.strip()) if p.strip()]
    asking = [p for p in parts if p.endswith("?") or _YESNO.match(p.lower()) or re.match(
        r"(wat|wie|wanneer|hoe|hoeveel|welke?|waar|waarom|what|who|when|how|which|where|why)\b", p.lower())]
    if len(parts) < 2 or not asking:
        return frozenset()
    asked = {t for p in asking for t in analyse(p)}
    return frozenset(t for p in parts if p not in asking for t in analyse(p) if t not in asked)


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


def resolve_terms(q: Query, lexical) -> Query:
    """Map each question term onto the corpus vocabulary: known terms stay, typos are corrected
    ('betaald' -> 'betaalt'), other forms of a corpus word mapped ('afgeschaft' -> 'afschaff'),
    English words are dropped, and Dutch words of the question proper that the corpus never uses
    are kept as `unknown` (a topic the documents may not cover)."""
    terms, unknown, own = [], [], set(q.own)
    for t in q.terms:
        if lexical.idf(t) is not None:
            terms.append(t)
            continue
        known_alts = [a for a in q.alternatives.get(t, ()) if lexical.idf(a) is not None]
        fixed = lexical.correct(t) or lexical.variant(t)
        if known_alts:  # an abbreviation the corpus spells out ("bpv")
            terms.append(known_alts[0])
        elif fixed and lexical.idf(fixed) is not None:  # a typo, or another form of a corpus word
            terms.append(fixed)
        elif q.lang == "nl" and not t[0].isdigit():
            if t not in q.background and t not in q.common and not t.endswith(_DOC_WORDS):
                unknown.append(t)
            continue
        if t in q.own:
            own.add(terms[-1])
    return replace(q, terms=tuple(dict.fromkeys(terms)), unknown=tuple(unknown), own=frozenset(own),
                   compounds=tuple(t for t in unknown if lexical.is_compound(t)))


def score(q: Query, sentence: str, context: str, rank: int, idf, passage: str = "") -> float:
    """idf-weighted share of question terms in the sentence (compound parts 0.7, section/title
    0.5, rest of the passage 0.3), x type fit, x a penalty per specific term found nowhere,
    x a mild retrieval-rank prior."""
    if not q.terms:
        return 0.0
    sent_terms = set(analyse(sentence))
    ctx_terms = set(analyse(context))
    psg_terms = set(analyse(passage)) if passage else set()
    total = got = 0.0
    missing = 0
    for t in q.terms:
        w = idf(t)
        if w is None:  # unresolved terms are handled by resolve_terms (q.unknown)
            continue
        w *= 0.3 if t in _GENERIC else 1.0
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
        elif w >= _SPECIFIC_IDF and t not in _GENERIC:
            missing += 1  # a specific word of the question appears nowhere near this sentence
    coverage = got / total if total else 0.0
    coverage *= _MISSING_PENALTY ** (missing + len(q.unknown))
    if q.years and not all(y in sentence for y in q.years):
        coverage *= 0.4
    return coverage * (0.5 + 0.5 * _type_ok(q, sentence)) * (1.0 / (1 + 0.08 * rank))


def extract(q: Query, hits: list[Hit], idf, qvec=None, vectors=None, threshold: float = 0.45,
            max_sentences: int = 3, margin: float = 0.05, sem_weight: float = 1.0,
            lex_weight: float = 0.1, type_weight: float = 0.05, year_weight: float = 0.1,
            unknown_weight: float = 0.04, asked_weight: float = 0.1) -> list[Pick]:
    """The sentences that answer `q`, returned in source order; empty when the best one does
    not reach `threshold` (the caller refuses).

    score = sem_weight * cos(question, sentence) + lex_weight * lexical score
            - type_weight * (1 - type fit) - year_weight * (a year the question names is missing)
            - unknown_weight * (Dutch words of the question the corpus never uses; a
                                compound of two corpus words counts half)
            - asked_weight * (the asked-for noun is one of them)                  (with vectors)
          = lexical score                                                       (without)
    The type term makes a "hoeveel"/"wanneer" question prefer the sentence with the number or
    date over a sentence that only names the topic (cosines of the two differ by ~0.01-0.03);
    the year term keeps "… in 2019?" from being answered by a table without a 2019 column; the
    unknown terms separate "Wat is het telefoonnummer van …" (a word no document uses, and the
    very thing asked for) from questions the documents answer, which let the threshold come
    down from 0.90 to 0.875.
    Weights were chosen on the dev set and checked on both halves (MEASUREMENTS.md).
    """
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
        unknown = (unknown_weight * (len(q.unknown) - 0.5 * len(q.compounds))
                   + asked_weight * (q.asked in q.unknown))
        sims = vectors.get(embed_texts) @ np.asarray(qvec, dtype=np.float32)
        scores = [sem_weight * float(c) + lex_weight * lex - type_weight * (1.0 - _type_ok(q, text))
                  - year_weight * (not all(y in text for y in q.years)) - unknown
                  for c, (_, text, _, _, lex) in zip(sims, cands)]
    else:
        scores = [lex for *_, lex in cands]
    scored = sorted((Pick(i, text, quote, start, sc) for (i, text, quote, start, _), sc in zip(cands, scores)),
                    key=lambda p: -p.score)
    best = scored[0].score
    if best < threshold:
        return []
    chosen = [scored[0]]
    for p in scored[1:]:
        if len(chosen) >= max_sentences or p.score < best - margin:
            break
        if any(_overlaps(p, c) or _near_duplicate(p.text, c.text) for c in chosen):
            continue
        chosen.append(p)
    return sorted(chosen, key=lambda p: (p.hit, p.start))


def _overlaps(a: Pick, b: Pick) -> bool:
    """Two units sharing text of the same passage (a sentence and the pair it starts)."""
    return a.hit == b.hit and a.start < b.start + len(b.quote) and b.start < a.start + len(a.quote)


def _near_duplicate(a: str, b: str) -> bool:
    """The same statement in two places (word sets overlap > 80% of the larger one)."""
    ta, tb = set(analyse(a)), set(analyse(b))
    return bool(ta and tb) and len(ta & tb) / max(len(ta), len(tb)) > 0.8
