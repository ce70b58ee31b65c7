"""The question as the extractive scorer sees it: its type, language, analysed terms, and the
terms the corpus never uses.

`parse_query` reads the question alone (type: number/date/who/org/where/yesno/open; language;
stemmed terms, with English words mapped to the glossary's Dutch terms and abbreviations to
what they stand for; the asked-for noun; the words of statements around the question; everyday
Dutch words). `resolve_terms` then maps the terms onto the corpus vocabulary (typos, other word
forms) and keeps the Dutch words the corpus never uses as `unknown`. `check_question` is the
input check every entry point runs first (it lives here, not in chain.py, so the CLI can use it
without importing langchain). Non-goals: scoring and picking sentences (extractive.py),
retrieval (retrieve.py).
"""

from __future__ import annotations

import re
from typing import Any
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files

from ingest.errors import InputError
from ingest.lexical import analyse
from ingest.text import YEAR as _YEAR  # the one year pattern
from ingest.text import split_sentences  # the one sentence splitter

_EN_WORDS = {"the", "what", "who", "when", "how", "is", "are", "does", "do", "can", "which", "of",
             "for", "a", "an", "in", "to", "much", "many", "long", "and", "with", "my", "i", "it"}
_NL_WORDS = {"de", "het", "een", "wat", "wie", "wanneer", "hoe", "is", "zijn", "kan", "welke", "van",
             "voor", "in", "en", "met", "mijn", "ik", "mag", "moet", "hoeveel", "hoelang", "die", "dat",
             "je", "jij", "als", "nog", "niet", "ook", "er", "om", "te", "bij", "naar", "aan", "wordt",
             "word", "gaat", "ga", "heb", "hebt", "kun", "kunt", "wil", "waar", "waarom", "welk", "wij",
             "we", "ze", "zij", "geen", "krijg", "krijgt", "hoelang", "nu", "dan", "wel", "deze", "dit"}
_YESNO = re.compile(r"^(mag|kan|kun|moet|is|zijn|heeft|hebben|krijg|krijgt|wordt|worden|blijft|"
                    r"behoud|telt|geldt|bestaat|can|may|must|is|are|does|do|will|should)\b", re.I)
# grammar words the analyser keeps but that never name a topic ("word je …", "zo'n traject")
_QUESTION_STOP = set(analyse("word zo'n z'n m'n d'r erin erop eraan ermee erbij hoelang stond stonden "
                             "ging gingen kreeg kregen"))
# words about the documents themselves ("volgens de tabel", "in de investeringstabel"): never a topic
_DOC_WORDS = tuple(analyse("tabel bijlage paragraaf hoofdstuk figuur pagina"))
# generic words that say little about which sentence answers (extractive.score) or which
# passage a refusal should point to (compose.pointers); question phrasing: "volgens", "zou",
# "mijn cliënt", "precies" …
GENERIC = frozenset(analyse(
    "mbo student studenten opleiding opleidingen volgen volgens krijgen krijg krijgt gaan gaat doen "
    "doet zitten staan staat document documenten vraag vragen mogelijk zou zouden welk welke "
    "moeten moet kunnen kan worden wordt heeft hebben vindt ligt geeft geven nu precies eigenlijk "
    "gewoon ongeveer meestal cliënt client klant iemand mensen persoon the on of what which does"))
# "Wat is het X", "Hoe hoog is de X", "Hoeveel X", "Welke X": X is what the question asks for
_ASKED = re.compile(r"^(?:(?:wat|hoe hoog|hoe groot|hoe lang)\s+(?:is|zijn|was|waren|bedraagt|bedragen|kost|kosten)"
                    r"\s+(?:de|het|een)\s+|(?:hoeveel|welke?)\s+(?:is\s+(?:de|het)\s+)?)([^\W\d_][\w'-]*)", re.I)

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


@lru_cache(maxsize=1)
def glossary() -> tuple[tuple[tuple[str, ...], str], ...]:
    """((english alternatives…), "dutch terms") rows of data/glossary_en_nl.txt."""
    rows = []
    for line in files("assistant.answer").joinpath("data/glossary_en_nl.txt").read_text("utf-8").splitlines():
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
    for line in files("assistant.answer").joinpath("data/abbreviations.txt").read_text("utf-8").splitlines():
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
    text = question.strip()
    parts = [text[a:b].strip() for a, b in split_sentences(text)]
    asking = [p for p in parts if p.endswith("?") or _YESNO.match(p.lower()) or re.match(
        r"(wat|wie|wanneer|hoe|hoeveel|welke?|waar|waarom|what|who|when|how|which|where|why)\b", p.lower())]
    if len(parts) < 2 or not asking:
        return frozenset()
    asked = {t for p in asking for t in analyse(p)}
    return frozenset(t for p in parts if p not in asking for t in analyse(p) if t not in asked)


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


def check_question(question: Any, limit: int = 2000) -> str:
    """The question, stripped; InputError for empty, too long or non-text input."""
    if not isinstance(question, str):
        raise InputError(f"the question must be text, got {type(question).__name__}; pass a string")
    q = question.strip()
    if not q:
        raise InputError("the question is empty; type a question")
    if len(q) > limit:
        raise InputError(f"the question has {len(q)} characters, more than the limit of {limit}; "
                         "shorten it")
    if "\x00" in q or sum(not (ch.isprintable() or ch in "\n\t") for ch in q) > 0:
        raise InputError("the question contains control characters; type plain text")
    return q
