"""Support check: is an answer sentence backed by the passages it cites?

A lexical/number/entity judge that runs offline in microseconds (no NLI model ships on PyPI):
  - numbers: every number, amount or year in the sentence must occur in a cited passage
    ("610", "2.700" = "2700", "25,0" = "25"); a changed number is unsupported;
  - names: capitalised words and abbreviations (SBB, UWV, RMC) must occur in a cited passage;
  - negation: "niet"/"geen"/"not"/"no" in the sentence but in no cited passage (or the reverse
    when the sentence copies a passage sentence without its negation) is unsupported;
  - overlap: enough of the sentence's content words (stemmed) occur in the cited passages.
Cross-lingual sentences (an English answer from Dutch sources) have little word overlap; for
those an optional `similarity(sentence, passage) -> float` (e5 cosine) replaces the overlap test,
while numbers and names are still checked. Non-goals: paraphrase entailment beyond that; the
evals measure this judge's accuracy on a labelled calibration set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.lexical import analyse

_NUM = re.compile(r"(?<![\w.,])[-−]?\d+(?:[.,]\d+)*")
_NEG = re.compile(r"\b(niet|geen|nooit|not|no|never|none|zonder|without)\b", re.IGNORECASE)
_CAP = re.compile(r"\b[A-Z][A-Za-zÀ-ÿ]*(?:-[A-Za-zÀ-ÿ]+)*\b")
# capitalised words that are not names (sentence starts, months, generic words, English)
_NOT_NAMES = {
    "de", "het", "een", "in", "op", "voor", "bij", "als", "dat", "die", "dit", "deze", "er", "ook",
    "wel", "niet", "geen", "je", "u", "jij", "ze", "zij", "hij", "wij", "we", "ik", "van", "met",
    "om", "tot", "en", "of", "maar", "want", "dus", "daarnaast", "daarom", "verder", "volgens",
    "the", "a", "an", "this", "that", "these", "it", "they", "you", "he", "she", "we", "in", "on",
    "for", "at", "if", "to", "of", "and", "or", "but", "yes", "no", "ja", "nee", "according",
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december", "january", "february", "march", "june", "july", "august",
    "october", "documents", "document", "documenten", "bron", "source", "sources", "answer",
    "dat", "staat", "wat", "wie", "wanneer", "hoe", "hoeveel", "waar", "welke", "what", "who",
    "when", "how", "which", "where", "there", "their", "its", "is", "are", "was", "can", "may",
}


@dataclass(frozen=True)
class Verdict:
    supported: bool
    score: float  # 0..1, higher = better supported (used for AUC in the evals)
    reason: str = ""  # why not supported


def numbers(text: str) -> set[str]:
    """Normalised numbers: '2.700' -> '2700', '25,0' -> '25', '€ 1,5' -> '1.5', '-90,0' -> '90'."""
    out = set()
    for m in _NUM.finditer(text):
        tok = m.group(0).lstrip("-−")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", tok) or re.fullmatch(r"\d{1,3}(,\d{3})+", tok):
            tok = tok.replace(".", "").replace(",", "")  # 2.700 (Dutch) = 2,700 (English) = 2700
        tok = tok.replace(",", ".")
        if "." in tok:
            tok = tok.rstrip("0").rstrip(".")
        out.add(tok)
    return out


_EN = re.compile(r"\b(the|is|are|of|and|which|who|does|can|with|for)\b", re.I)


def names(text: str) -> set[str]:
    """Capitalised words not at a sentence start, and abbreviations (2+ capitals). In English
    text only abbreviations count (English capitalises ordinary nouns in titles: "Council")."""
    english = len(_EN.findall(text)) >= 2
    found = set()
    for m in _CAP.finditer(text):
        word = m.group(0)
        prev = text[:m.start()].rstrip()
        sentence_start = not prev or prev[-1] in ".!?:\n\"“(" or re.search(r"\]\s*$", prev)
        acronym = sum(ch.isupper() for ch in word) >= 2
        if word.lower() in _NOT_NAMES and not acronym:
            continue
        if (sentence_start or english) and not acronym:
            continue
        found.add(word.lower())
    return found


def _has_word(word: str, text: str) -> bool:
    """`word` in `text`, not inside another word ("cbs" is not in "ecbo"; "rug" is in "RUG1")."""
    return re.search(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", text) is not None


def _content(text: str) -> set[str]:
    return {t for t in analyse(text) if not t[0].isdigit()}


def check(sentence: str, passages: Sequence[str],
          similarity: Callable[[str, str], float] | None = None,
          min_overlap: float = 0.5, min_similarity: float = 0.84) -> Verdict:
    """Judge one sentence against its cited passages (see the module docstring)."""
    if not passages:
        return Verdict(False, 0.0, "no cited passage")
    joined = "\n".join(passages)
    missing_nums = sorted(numbers(sentence) - numbers(joined))
    if missing_nums:
        return Verdict(False, 0.05, f"number {missing_nums[0]} is in none of the cited passages")
    low = joined.lower()
    missing_names = sorted(n for n in names(sentence) if not _has_word(n, low)
                           and not (n.endswith("s") and _has_word(n[:-1], low)))
    words = _content(sentence)
    ctx = _content(joined)
    overlap = len(words & ctx) / len(words) if words else 1.0
    neg_s, neg_p = bool(_NEG.search(sentence)), bool(_NEG.search(joined))
    if similarity is not None and overlap < min_overlap:
        sim = max(similarity(sentence, p) for p in passages)
        if sim < min_similarity:
            return Verdict(False, 0.3 * sim, f"little overlap with the cited passages ({overlap:.0%}, "
                                             f"similarity {sim:.2f})")
        score = 0.5 + 0.5 * sim
    else:
        if len(words) <= 3 and overlap < 1.0:  # "De bbl is afgeschaft.": one shared word is not support
            return Verdict(False, 0.5 * overlap, "a short sentence whose words are not all in the cited passages")
        if overlap < min_overlap:
            return Verdict(False, 0.5 * overlap, f"only {overlap:.0%} of its words are in the cited passages")
        score = 0.5 + 0.5 * overlap
    if missing_names:
        return Verdict(False, 0.2 * score, f"{missing_names[0]!r} is in none of the cited passages")
    if neg_s and not neg_p:
        return Verdict(False, 0.25 * score, "the sentence negates what the cited passages say")
    if neg_p and not neg_s and _copies_negated_sentence(sentence, passages):
        return Verdict(False, 0.25 * score, "the cited passage says the opposite (negation dropped)")
    return Verdict(True, score)


def _copies_negated_sentence(sentence: str, passages: Sequence[str]) -> bool:
    """The sentence matches a negated passage sentence closely but lacks its negation."""
    words = _content(sentence)
    if not words:
        return False
    for p in passages:
        for part in re.split(r"(?<=[.!?])\s+|\n", p):
            if _NEG.search(part):
                pw = _content(part)
                if pw and len(words & pw) / len(words) >= 0.8:
                    return True
    return False
