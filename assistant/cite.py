"""Citation parsing: an answer text with [n] markers -> sentences with their cited source numbers.

Pure functions. A marker outside 1..n_sources is kept in `invalid` (flagged, never silently
dropped). Markers may stand before or after the sentence's full stop ("… 610 uur [1]." or
"… 610 uur. [1]") and may list several sources ("[1, 3]", "[1][3]").
Non-goal: deciding whether a cited passage supports its sentence (see support.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# [1] [1,2] [1, 2] [1-3]? (ranges are rare in model output; accepted and expanded)
MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]")
_MARKER_RUN = re.compile(r"(?:\s*\[\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*\])+")
# Dutch (and English) abbreviations that end in a full stop without ending the sentence
_ABBREV = {"o.a", "bijv", "bv", "d.d", "nr", "t/m", "z.g", "zgn", "resp", "e.d", "i.p.v", "m.b.t", "t.a.v",
           "d.w.z", "enz", "etc", "mr", "dr", "drs", "ir", "prof", "ca", "jl", "e.g", "i.e", "vs", "art", "p",
           "min", "mln", "mld", "blz", "incl", "excl", "c.s", "mevr", "dhr", "st", "vgl", "zie", "ng", "red"}


@dataclass(frozen=True)
class CitedSentence:
    text: str  # the sentence without its markers, stripped
    cites: tuple[int, ...]  # valid source numbers, in order of appearance, unique
    invalid: tuple[int, ...] = ()  # numbers outside 1..n_sources
    start: int = 0  # span of the sentence (with its markers) in the answer text
    end: int = 0


def parse_markers(group: str) -> list[int]:
    """'1, 3' -> [1, 3]; '2-4' -> [2, 3, 4]."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group):
        if re.fullmatch(r"\d+\s*[–-]\s*\d+", part):
            a, b = (int(x) for x in re.split(r"\s*[–-]\s*", part))
            numbers.extend(range(a, b + 1) if 0 < b - a < 20 else (a, b))
        elif part.strip().isdigit():
            numbers.append(int(part))
    return numbers


def _ends_sentence(text: str, dot: int) -> bool:
    """Is the '.', '!' or '?' at `dot` the end of a sentence?"""
    if text[dot] in "!?":
        return True
    word = re.search(r"([\w/.]+)$", text[:dot])
    if word:
        w = word.group(1).lower()
        if w in _ABBREV or (len(w) == 1 and w.isalpha()):
            return False
        if w[-1:].isdigit() and dot + 1 < len(text) and text[dot + 1].isdigit():
            return False  # 2.700
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences; citation markers right after a sentence end belong to that sentence.

    Newlines (list items, paragraphs) also end a sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        end = None
        if ch == "\n":
            end = i
        elif ch in ".!?" and _ends_sentence(text, i):
            j = i + 1
            while j < n and text[j] in "\"'”’»)":
                j += 1
            run = _MARKER_RUN.match(text, j)
            if run:
                j = run.end()
            if j >= n or text[j].isspace():
                end = j
        if end is not None:
            if text[start:end].strip():
                spans.append((start, end))
            start = end if text[end:end + 1] != "\n" else end + 1
            i = max(end, i + 1)
            continue
        i += 1
    if text[start:].strip():
        spans.append((start, n))
    # a sentence that is only markers (e.g. "[2]" on its own line) joins the previous one
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and not MARKER.sub("", text[a:b]).strip(" \t\n.,;"):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def parse_citations(answer: str, n_sources: int) -> list[CitedSentence]:
    """Split an answer into sentences and collect each sentence's [n] markers."""
    out: list[CitedSentence] = []
    for a, b in split_sentences(answer):
        raw = answer[a:b]
        numbers: list[int] = []
        for m in MARKER.finditer(raw):
            numbers.extend(parse_markers(m.group(1)))
        valid = tuple(dict.fromkeys(x for x in numbers if 1 <= x <= n_sources))
        invalid = tuple(dict.fromkeys(x for x in numbers if not 1 <= x <= n_sources))
        text = re.sub(r"\s+([.,;:!?])", r"\1", MARKER.sub("", raw)).strip()
        text = re.sub(r"\s{2,}", " ", text)
        lead = len(raw) - len(raw.lstrip())
        out.append(CitedSentence(text, valid, invalid, a + lead, b))
    return out


def cited_numbers(answer: str) -> list[int]:
    """All marker numbers in the answer, in order of first appearance."""
    seen: dict[int, None] = {}
    for m in MARKER.finditer(answer):
        for x in parse_markers(m.group(1)):
            seen.setdefault(x, None)
    return list(seen)
