"""Line-end hyphens: re-join a word broken across lines ("beroeps-" + "onderwijs") unless the
hyphen is real ("mbo-" + "opleiding"), decided by the document's own spelling and a short list
of abbreviations that take a hyphen. Used by clean.py for body text and footnotes.
Non-goals: hyphens inside a line; spelling correction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_][\w-]*[^\W_]|[^\W\d_]")
_ABBREV = {"mbo", "hbo", "vmbo", "wo", "bol", "bbl", "vo", "havo", "vwo", "pro", "vso", "ict",
           "mkb", "uwv", "duo", "sbb", "rmc", "lob", "ocw", "szw", "ww", "wia", "wajong", "e"}


def vocabulary(lines: Iterable[str]) -> Counter:
    """Word counts of a document's lines (its own spelling decides whether a hyphen is real)."""
    vocab: Counter = Counter()
    for line in lines:
        words = _WORD.findall(line.lower())
        if line.endswith("-") and words:
            words = words[:-1]  # the broken word at the line end says nothing
        vocab.update(words)
    return vocab


def hyphen_end(text: str) -> tuple[str, str] | None:
    r"""(rest of the last token, its letters before a line-end hyphen) or None, as the regex
    (\S*?)([^\W\d_]+)-$ would find, but linear (the regex took 30 s on a 2,000-letter token)."""
    if not text.endswith("-"):
        return None
    end = start = len(text) - 1
    while start > 0 and text[start - 1].isalnum() and not text[start - 1].isdecimal():
        start -= 1
    if start == end:
        return None
    token = start
    while token > 0 and not text[token - 1].isspace():
        token -= 1
    return text[token:start], text[start:end]


def join(left: str, right: str, vocab: Counter) -> str:
    """Join two wrapped lines, deciding whether a line-end hyphen is real."""
    m = hyphen_end(left)
    if not m or not right or not right[0].isalnum():
        return f"{left} {right}" if left else right
    head = m[0] + m[1]  # the whole token before the hyphen, e.g. "mbo" or "beroeps"
    first = re.match(r"[\w-]*", right).group(0)
    stem = m[1].lower()
    whole, hyphened = (stem + first).lower(), f"{stem}-{first}".lower()
    if re.match(r"(?:https?://|www\.)", head):
        keep = True  # a URL broken at its own hyphen
    elif first.lower() in ("en", "of", "tot") :
        return f"{left} {right}"  # "leer- en werktrajecten": the hyphen marks an omitted part
    elif vocab[hyphened] > vocab[whole]:
        keep = True
    elif vocab[whole] > 0:
        keep = False
    else:
        keep = stem in _ABBREV or head[-2:-1] == "-"
    if right[0].isupper() or right[0].isdigit():
        keep = True  # "Sociaal-Economische", "mbo-2": a capital or digit keeps its hyphen
    return left + right if keep else left[:-1] + right
