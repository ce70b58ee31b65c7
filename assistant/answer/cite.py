"""Citation parsing: an answer text with [n] markers -> sentences with their cited source numbers.

Pure functions. A marker outside 1..n_sources is kept in `invalid` (flagged, never silently
dropped). Markers may stand before or after the sentence's full stop ("… 610 uur [1]." or
"… 610 uur. [1]") and may list several sources ("[1, 3]", "[1][3]").
Non-goal: deciding whether a cited passage supports its sentence (see support.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.text import MARKER, split_sentences  # noqa: F401 - re-exported: cite is where answers are split


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
