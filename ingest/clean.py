"""Cleaning of extraction artefacts: LoadedDoc -> CleanDoc.

What it fixes (all seen in the corpus): words hyphenated across line breaks (re-joined unless
the hyphen is real, decided by the document's own vocabulary: hyphens.py), running
headers/footers and page numbers ("Tweede Kamer, vergaderjaar 2017–2018, 31 524, nr. 361 7"),
footnotes (moved out of the body into a closing "Voetnoten" section and CleanDoc.footnotes),
bare URL lines (CleanDoc.urls and url_at, not in the body; chunk.py makes them chunk links),
double-spaced text, and hard-wrapped lines (re-flowed so each paragraph, heading, list item or
table row is one line; blank lines between paragraphs).

Page numbers: PDFs keep their own; for text extracted earlier from a Kamerstuk, pages are
recovered from the running footers (which end each page) and the footnote blocks (which also
end a page), when the two agree. Both that and finding the running headers/footers are in
pages.py. Non-goals: OCR fixes such as "JO B-monitor", spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ingest.types import CleanDoc, LoadedDoc
from ingest.hyphens import hyphen_end, join, vocabulary
from ingest.pages import URL_LINE, Line, recover_pages, running_headers
from ingest.text import YEAR

_FOOTNOTE = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_BULLET = re.compile(r"^\s*(?:[•\-\*–·▪◦●]|\(?[a-z]\)|\(?\d{1,2}[.)])\s+")
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S")
_TRAILING_NUMS = re.compile(r"(?:\s+[-−]?\d[\d.,]*\*{0,2}){2,}$")
_REPLACE = {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u00ad": "", "\u200b": "", "\ufeff": "",
            "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\r": ""}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # NUL, ESC, BEL: never text (\f, \v: breaks)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    for bad, good in _REPLACE.items():
        text = text.replace(bad, good)
    return _CONTROL.sub("", text).replace("\f", "\n")


def _raw_lines(doc: LoadedDoc) -> list[Line]:
    """All lines in reading order; in double-spaced text the empty lines between lines vanish."""
    raw = [(line, page.number) for page in doc.pages for line in _normalise(page.text).split("\n")]
    empty = sum(1 for line, _ in raw if line == "")
    spaced = sum(1 for line, _ in raw if line and not line.strip())
    double = empty > 0.35 * len(raw) and spaced >= 3  # e.g. the Werkagenda text file
    out = []
    for line, number in raw:
        if double and line == "":
            continue
        text = " ".join(line.split())
        out.append(Line(text, number, "body" if text else "blank"))
    return out



def _width(lines: list[Line]) -> int:
    """The text width: the 90th percentile of body line lengths (wrapped lines reach it)."""
    body = sorted(len(ln.text) for ln in lines if ln.kind == "body" and len(ln.text) >= 20)
    return body[int(0.9 * (len(body) - 1))] if body else 80


def _page_foot(lines: list[Line], i: int, depth: int = 4) -> bool:
    """In a PDF: is line i among the last `depth` text lines of its page (where footnotes sit)?"""
    page = lines[i].page
    if page is None:
        return False
    after = sum(1 for ln in lines[i + 1:] if ln.page == page and ln.kind in ("body", "footnote"))
    return after < depth


def _footnotes(lines: list[Line]) -> tuple[list[tuple[int, str]], list[int]]:
    """Find footnotes numbered 1, 2, 3… that start after a paragraph break (or another
    footnote); return them and the index of each footnote block's last line (a page ends there).
    A footnote's continuation lines run until the next paragraph break."""
    notes: list[tuple[int, str]] = []
    ends: list[int] = []
    expect, in_note, after_break, last = 1, False, True, -1
    width = _width(lines)
    for i, ln in enumerate(lines):
        if ln.kind in ("blank", "drop"):
            after_break = True
            continue
        m = _FOOTNOTE.match(ln.text) if ln.kind == "body" else None
        if m and int(m.group(1)) == expect and (after_break or in_note or _page_foot(lines, i)):
            ln.kind, in_note, last = "footnote", True, i
            notes.append((expect, m.group(2)))
            expect += 1
        elif (in_note and not after_break and not re.search(r"[.!?]$|://\S+$", lines[last].text)
              and (len(lines[last].text) >= 0.9 * width or ln.text[0].islower())):
            ln.kind, last = "footnote", i
            notes[-1] = (notes[-1][0], join(notes[-1][1], ln.text, Counter()))
        elif in_note:
            ends.append(last)
            in_note = False
        after_break = False
    if in_note:
        ends.append(last)
    return notes, ends



def _is_table_head(text: str) -> bool:
    return len(YEAR.findall(text)) >= 3 and len(text) <= 120


def _reflow(lines: list[Line], vocab: Counter) -> list[list[tuple[str, int | None]]]:
    """Paragraphs of logical lines (text, page of their first raw line)."""
    width = _width(lines)
    paras: list[list[tuple[str, int | None]]] = []
    para: list[tuple[str, int | None]] = []
    cur, cur_page, open_, in_table = "", None, False, False
    interrupted = False  # footnotes or a footer came between this line and the last body line

    def end_line() -> None:
        nonlocal cur, open_
        if cur:
            para.append((cur, cur_page))
        cur, open_ = "", False

    for ln in lines:
        if ln.kind in ("drop", "url", "footnote"):
            interrupted = interrupted or ln.kind != "url"
            continue
        if ln.kind == "blank":
            end_line()
            if para:
                paras.append(para)
                para = []
            continue
        text = ln.text
        if interrupted and text[0].islower() and not cur and (para or paras):
            if not para:
                para = paras.pop()
            prev, prev_page = para.pop()
            if not re.search(r"[.!?:]$", prev):  # the paragraph broke at the page end: resume it
                cur, cur_page, open_ = prev, prev_page, True
            else:
                para.append((prev, prev_page))
        interrupted = False
        table_line = _is_table_head(text) or (in_table and (_TRAILING_NUMS.search(text) or text.endswith(":")))
        in_table = bool(table_line) or (_is_table_head(text))
        if open_ and ln.page != cur_page and re.search(r"[.!?]$", cur):
            open_ = False  # a sentence ended at the foot of the page: a new paragraph follows
        if open_ and not table_line and not _BULLET.match(text):
            cur = join(cur, text, vocab)
        else:
            end_line()
            cur, cur_page = text, ln.page
        hyphen_wrap = bool(hyphen_end(text)) and not text.endswith(" -")
        wrapped = len(text) >= 0.7 * width and not text.endswith(":")
        open_ = not table_line and (hyphen_wrap or wrapped)
    end_line()
    if para:
        paras.append(para)
    return paras


_MARKER = re.compile(r"(?:(?<=[^\W\d_])|(?<=[^\W\d_][.,;:»”’')])|(?<=[»”’')]))(\d{1,3})(?=[\s),.;:]|$)")


def _strip_markers(text: str, numbers: set[int]) -> str:
    """Remove footnote markers glued to a word: "advies4 gevraagd", "gestimuleerd.5 Het"."""
    return _MARKER.sub(lambda m: "" if int(m.group(1)) in numbers else m.group(0), text)


def clean(doc: LoadedDoc) -> CleanDoc:
    """Clean one loaded document (see the module docstring)."""
    is_pdf = any(p.number is not None for p in doc.pages)
    lines = _raw_lines(doc)
    footers = running_headers(lines, is_pdf)
    for i, ln in enumerate(lines):
        if ln.kind == "body" and URL_LINE.match(ln.text):
            before = lines[i - 1] if i else None
            if (before is not None and before.kind == "body" and not URL_LINE.match(before.text)
                    and not re.search(r"[.!?)]$", before.text)):
                continue  # "… zijn te vinden op\nhttps://…": the address ends a sentence; it stays
            ln.kind = "url"
    notes, note_ends = _footnotes(lines)
    recover_pages(lines, footers, note_ends)
    vocab = vocabulary(ln.text for ln in lines)
    numbers = {n for n, _ in notes}
    parts: list[str] = []
    page_starts: list[tuple[int, int]] = []
    pos = 0
    for p_i, para in enumerate(_reflow(lines, vocab)):
        for l_i, (text, page) in enumerate(para):
            text = _strip_markers(text, numbers) if numbers else text
            sep = "" if not parts else ("\n\n" if l_i == 0 else "\n")
            pos += len(sep)
            if page is not None and (not page_starts or page_starts[-1][1] != page):
                page_starts.append((pos, page))
            parts.append(sep + text)
            pos += len(text)
    body = "".join(parts)
    url_at = _url_offsets(lines, body)
    footnotes = tuple(f"({n}) {text}" for n, text in notes)
    tail = "\n\nVoetnoten\n\n" + "\n".join(footnotes) if footnotes else ""
    return CleanDoc(meta=doc.meta, text=body + tail + "\n", page_starts=tuple(page_starts), footnotes=footnotes,
                    urls=tuple(dict.fromkeys(url for _, url in url_at)), url_at=url_at)


def _url_offsets(lines: list[Line], body: str) -> tuple[tuple[int, str], ...]:
    """Where each bare URL line stood in the cleaned body: the end of the body line before it,
    found by that line's last words (re-flow joins lines, so raw positions do not carry over).
    A URL whose anchor cannot be found gets the previous URL's offset."""
    out: list[tuple[int, str]] = []
    pos, prev = 0, ""
    for ln in lines:
        if ln.kind == "body":
            prev = ln.text
        elif ln.kind == "url":
            anchor, prev = prev.rstrip("-").strip()[-25:], ""  # URLs in a row share one anchor
            found = body.find(anchor, pos) if anchor else -1
            if found >= 0:
                pos = found + len(anchor)
            out.append((pos, ln.text))
    return tuple(out)
