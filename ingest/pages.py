"""Pages in extracted text: the lines of a document with their page, the running headers and
footers among them, and page numbers recovered for text files.

A running header/footer ("Tweede Kamer, vergaderjaar 2017–2018, 31 524, nr. 361 7"), a line
repeated at the top or bottom of most PDF pages, or a bare page number is marked "drop", and
where it ends a page that is recorded: (line index, page number or None). A text file
extracted earlier from a Kamerstuk has no pages of its own; `recover_pages` numbers its lines
from those footers and the footnote blocks (which also end a page), when the two agree.
Non-goals: footnotes, URL lines and re-flowing paragraphs (clean.py, which calls this).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# the page footer of a Kamerstuk; the two \d{4} are the session years "2017–2018" inside this
# fixed footer, not text.YEAR (a standalone 19xx/20xx anywhere): the footer's shape makes them years
_KAMERSTUK = re.compile(r"^Tweede Kamer, vergaderjaar \d{4}\s*[–-]\s*\d{4},.*nr\.\s*\d+\s+(\d{1,3})$")
URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$")  # a bare URL line: never a running footer


@dataclass
class Line:
    """One raw line of a document. Mutable on purpose: cleaning decides its kind in passes
    (headers, URLs, footnotes) and recover_pages fills in page for text files."""

    text: str
    page: int | None
    kind: str = "body"  # body | blank | drop | url | footnote


# a page number as running footers write it: "7", "pagina 7", "p. 7", "7 van 12", "| 7"
_PAGENO = r"(?:[|–-]\s*)?(?:pagina |page |p\. ?)?\d{1,3}(?: (?:van|of|/) \d{1,3})?"
_TRAIL_NO = re.compile(rf"(?:^|\s+){_PAGENO}$", re.I)
_LEAD_NO = re.compile(rf"^{_PAGENO}(?:\s+[|–-])?\s+", re.I)


def running_headers(lines: list[Line], is_pdf: bool) -> list[tuple[int, int | None]]:
    """Mark running headers/footers and page-number lines as dropped; return (index, page) ends."""
    keys = Counter(_TRAIL_NO.sub("", ln.text) for ln in lines if ln.kind == "body")
    ends: list[tuple[int, int | None]] = []
    for i, ln in enumerate(lines):
        if ln.kind != "body":
            continue
        m = _KAMERSTUK.match(ln.text)
        key = _TRAIL_NO.sub("", ln.text)
        repeated = key != ln.text and len(key) >= 12 and keys[key] >= 3 and not URL_LINE.match(key)
        if m or repeated:
            ln.kind = "drop"
            ends.append((i, int(m.group(1)) if m else int(re.search(r"\d{1,3}", ln.text[len(key):]).group())))
        elif is_pdf and re.fullmatch(_PAGENO, ln.text, re.I) and _at_page_edge(lines, i):
            ln.kind = "drop"
    if is_pdf:  # a line at the top or bottom of most pages is a running header/footer, whatever
        pages = {ln.page for ln in lines}  # page number it carries before or after its text
        edge_keys = {i: _LEAD_NO.sub("", _TRAIL_NO.sub("", ln.text)) for i, ln in enumerate(lines)
                     if ln.kind == "body" and _at_page_edge(lines, i)}
        edge = Counter(edge_keys.values())
        for i, key in edge_keys.items():
            if len(pages) >= 2 and len(key) >= 3 and edge[key] >= max(2, len(pages) // 2):
                lines[i].kind = "drop"
    return ends


def _at_page_edge(lines: list[Line], i: int) -> bool:
    page = lines[i].page
    before = [ln for ln in lines[:i] if ln.page == page and ln.kind == "body"]
    after = [ln for ln in lines[i + 1:] if ln.page == page and ln.kind == "body"]
    return len(before) <= 1 or len(after) <= 1



def recover_pages(lines: list[Line], footers: list[tuple[int, int | None]], note_ends: list[int]) -> None:
    """Give text-file lines page numbers from footers (known page) and footnote-block ends."""
    if not footers or any(ln.page is not None for ln in lines):
        return
    events = sorted(set(footers) | {(j, None) for j in note_ends
                                    if not _followed_by_footer(lines, j, {i for i, _ in footers})})
    known = [(k, e) for k, e in enumerate(events) if e[1] is not None]
    pages: list[tuple[int, int]] = []  # (index of the page's last line, page number)
    prev_k, prev_page = -1, None
    for k, (idx, number) in known:
        between = [e for e in events[prev_k + 1:k]]
        if prev_page is None:
            first = number - len(between)
            if first >= 1:
                pages += [(e[0], first + n) for n, e in enumerate(between)]
        elif len(between) == number - prev_page - 1:
            pages += [(e[0], prev_page + 1 + n) for n, e in enumerate(between)]
        pages.append((idx, number))
        prev_k, prev_page = k, number
    tail = events[prev_k + 1:]
    pages += [(e[0], prev_page + 1 + n) for n, e in enumerate(tail)]
    last = pages[-1][1] + 1 if pages else None
    pages.sort()
    p = 0
    for i, ln in enumerate(lines):
        while p < len(pages) and pages[p][0] < i:
            p += 1
        ln.page = pages[p][1] if p < len(pages) else last


def _followed_by_footer(lines: list[Line], j: int, footer_idx: set[int]) -> bool:
    for k in range(j + 1, len(lines)):
        if k in footer_idx:
            return True
        if lines[k].kind in ("body", "url"):
            return False
    return False

