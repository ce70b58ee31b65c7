"""Text primitives shared by ingest and answering: the one sentence splitter and the year pattern.

`split_sentences` cuts chunk text into answer units at ingest time and answer text into cited
sentences at answer time, so both sides agree on what a sentence is. Non-goals: citation
parsing (assistant/answer/cite.py), chunking (chunk.py).
"""

from __future__ import annotations

import re

# a year of the 20th or 21st century standing alone ("2023", not "12023" or "2023a"); used
# with findall/search/fullmatch on chunk lines, questions and document dates
YEAR = re.compile(r"\b(?:19|20)\d\d\b")

# [1] [1,2] [1, 2] [1-3]? (ranges are rare in model output; accepted and expanded)
MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]")
_MARKER_RUN = re.compile(r"(?:\s*\[\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*\])+")
# Dutch (and English) abbreviations that end in a full stop without ending the sentence
_ABBREV = {"o.a", "bijv", "bv", "d.d", "nr", "t/m", "z.g", "zgn", "resp", "e.d", "i.p.v", "m.b.t", "t.a.v",
           "d.w.z", "enz", "etc", "mr", "dr", "drs", "ir", "prof", "ca", "jl", "e.g", "i.e", "vs", "art", "p",
           "min", "mln", "mld", "blz", "incl", "excl", "c.s", "mevr", "dhr", "st", "vgl", "zie", "ng", "red"}


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
