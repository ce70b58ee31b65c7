"""Answer units of a chunk: the pieces of text the extractive answerer can quote.

A unit is usually one sentence, with three exceptions that make a quoted unit readable and
complete on its own:
  - a sentence that leans on the previous one ("Dat geld zit in het Participatiebudget.",
    "Het is beschikbaar voor iedereen tot 55 jaar.") is also offered together with it;
  - a list introduction ("UWV voert de volgende uitkeringen uit:") comes with its items;
  - a bare heading line ("Startkwalificatie") is no unit at all: it answers nothing.
Table rows are rendered with the table header ("Mbo 2 (bedrag x € 1 mln): 2022: 80,0; …").
Units are (text to embed and score, original text in the chunk, offset in the chunk); ingest
embeds the same units (ingest/pipeline.py), so the sentence-vector cache stays warm.
Non-goals: scoring (extractive.py), sentence splitting rules (cite.split_sentences).
"""

from __future__ import annotations

import re

from ingest.text import YEAR, split_sentences
from ingest.types import Chunk

_VALUE = re.compile(r"^[-−]?\d[\d.]*(?:,\d+)?\*{0,2}$")
# first words that make a sentence lean on the one before it
_ANAPHOR = re.compile(
    r"^(dat|dit|deze|die|daar\w*|hier\w*|zij|ze|hij|maar|wel|ook|verder|bovendien|zo|dan|"
    r"het (is|kan|wordt|gaat|heeft|moet|mag|zal|geldt|betreft|blijft)|doorgaans|wanneer dat)\b", re.I)
_MAX_LIST = 700  # characters of list items kept with their introduction
_MAX_ITEM = 400


def is_heading_like(text: str) -> bool:
    """A short line without sentence punctuation ("Startkwalificatie", "Melden van discriminatie")."""
    s = text.strip()
    return len(s.split()) < 5 and not s.endswith((".", "!", "?", ":", ";"))


def leans_on_previous(text: str) -> bool:
    return _ANAPHOR.match(text.strip()) is not None


def sentences_of(chunk: Chunk) -> list[tuple[str, str, int]]:
    """The chunk's answer units: (text to embed and score, original text, offset in the chunk)."""
    text = chunk.text
    if chunk.kind == "table":
        lines = text.split("\n")
        head, out, pos = lines[0], [], len(lines[0]) + 1
        for line in lines[1:]:
            if line.strip() and not line.rstrip().endswith(":"):
                out.append((row_text(head, line), line, pos))
            pos += len(line) + 1
        return out
    spans = _spans(text)
    out: list[tuple[str, str, int]] = []
    for i, (a, b) in enumerate(spans):
        part = text[a:b]
        if len(part) <= 15 or is_heading_like(part):
            continue
        starts = [a]
        if i and leans_on_previous(part) and not is_heading_like(text[spans[i - 1][0]:spans[i - 1][1]]):
            starts.append(spans[i - 1][0])  # also offered together with the sentence it leans on
        end, items = _items_after(text, spans, i) if part.endswith(":") else (b, "")
        for start in starts:
            shown = _flat(text[start:b]) + (f" {items}." if items else "")
            out.append((shown, text[start:end], start))
    return out


def _spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans without surrounding whitespace; a line broken off mid-sentence (no end
    punctuation, next line starts in lower case: 'Het totale financiële | kader voor …') is
    joined to its continuation."""
    spans: list[tuple[int, int]] = []
    for a, b in split_sentences(text):
        raw = text[a:b]
        a2, b2 = a + len(raw) - len(raw.lstrip()), a + len(raw.rstrip())
        if a2 >= b2:
            continue
        prev = text[spans[-1][0]:spans[-1][1]] if spans else ""
        if prev and not prev.endswith((".", "!", "?", ":", ";")) and text[a2].islower() \
                and "\n\n" not in text[spans[-1][1]:a2]:
            spans[-1] = (spans[-1][0], b2)
        else:
            spans.append((a2, b2))
    return spans


def _items_after(text: str, spans: list[tuple[int, int]], i: int) -> tuple[int, str]:
    """The list items (whole lines) after the introduction spans[i]: (end offset, "a; b; c")."""
    j = i + 1
    while j < len(spans):
        x, y = spans[j]
        whole_line = text[x - 1] == "\n" and (y >= len(text) or text[y] == "\n")
        gap = x - spans[j - 1][1]  # a blank line may follow the introduction, not an item
        if not whole_line or y - x > _MAX_ITEM or (j > i + 1 and gap > 1) or y - spans[i][1] > _MAX_LIST:
            break
        j += 1
    if j == i + 1:
        return spans[i][1], ""
    return spans[j - 1][1], "; ".join(_flat(text[x:y]) for x, y in spans[i + 1:j])


def _flat(s: str) -> str:
    return " ".join(s.split())


def row_text(head: str, row: str, years: tuple[str, ...] = ()) -> str:
    """'Mbo 2 80,0 100,0' under 'bedrag x € 1 mln 2022 2023' -> 'Mbo 2 (bedrag x € 1 mln): 2022: 80,0; 2023: 100,0'.

    A row with fewer values than year columns cannot be matched to years reliably: it keeps the
    header's columns in words instead of guessing ('Mbo niveau 2 (bedrag x € 1 mln; kolommen
    2022–2027): 100,0')."""
    cols = head.split()
    year_idx = [i for i, c in enumerate(cols) if YEAR.fullmatch(c)]
    if not year_idx:
        return row
    unit = " ".join(cols[:year_idx[0]])
    labels = cols[year_idx[0]:]
    tokens = row.split()
    n_values = 0
    for tok in reversed(tokens):
        if not _VALUE.match(tok) or n_values == len(labels) or n_values == len(tokens) - 1:
            break
        n_values += 1
    # "Mbo niveau 2 100,0": with decimal values beside it, a bare small number belongs to the name
    while 0 < n_values < len(labels) and re.fullmatch(r"[1-9]", tokens[len(tokens) - n_values]) \
            and any("," in v for v in tokens[len(tokens) - n_values + 1:]):
        n_values -= 1
    name, values = " ".join(tokens[:len(tokens) - n_values]), tokens[len(tokens) - n_values:]
    if not values:
        return row
    if len(values) != len(labels):
        span = f"{labels[0]}–{labels[-1]}"
        return f"{name} ({unit}; kolommen {span}, niet per jaar toe te wijzen): {' '.join(values)}."
    pairs = [(lab, val) for lab, val in zip(labels, values) if not years or lab in years]
    if not pairs:
        pairs = list(zip(labels, values))
    body = "; ".join(f"{'structureel' if lab.startswith('struc') else lab}: {val}" for lab, val in pairs)
    return f"{name} ({unit}): {body}."
