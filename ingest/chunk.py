"""Structure-aware chunking: CleanDoc -> list[Chunk].

Chunks follow headings, numbered sections, list items and paragraphs; each records its
section path, page and character offsets into the cleaned text. Tables stay row-intact and
every table chunk repeats the table's header line, so "RMC ... 2025" is answerable from one
chunk. Non-goals: cleaning (see clean.py) and embedding (see index.py).

Input contract (from clean.py): one line per paragraph, heading, list item or table row;
blank lines between paragraphs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from ingest.text import YEAR
from ingest.types import Chunk, CleanDoc

# "2. Beroepsgerichte opleiding", "5.2 Levensonderhoud", "Bijlage 1: Investeringen ..."
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>\S.*)$")
_ATX = re.compile(r"^(#{1,6})\s+(\S.*?)\s*#*$")  # a Markdown heading: "## Bekostiging"
_ANNEX = re.compile(r"^(Bijlage|Hoofdstuk|Deel)\s+\d+\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[•\-\*–·▪◦●]|\(?[a-z]\)|\(?\d{1,2}\))\s+")
_NUM_TOKEN = re.compile(r"^[-−]?\d{1,3}(?:[.\d]*)(?:,\d+)?\*{0,2}$")
# where _split_long may cut a long block: after . ! ? (and closing quotes) plus whitespace, before
# a capital, digit or opening quote. Not text.split_sentences, whose rules differ (it ends no
# sentence at an abbreviation such as "jl." or "zgn." or after one letter, and ends one before a
# lowercase word): on corpus/ that moves cut points in 30 of 894 blocks and, at chunk_size 900,
# changes 29 of one document's 43 chunks and their count (new ids: re-embedded, answers may move).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’»)]*\s+(?=[A-Z0-9“‘«(])")


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    text: str
    kind: str  # heading | para | item | table_head | table_row | table_label
    level: int = 0  # headings: 1 = top


def chunk_id(doc_id: str, start: int, section: str, text: str) -> str:
    """Content-derived id: same document, place and text -> same id (re-ingest changes nothing)."""
    digest = hashlib.sha256("\x00".join((doc_id, str(start), section, text)).encode("utf-8"))
    return digest.hexdigest()[:32]


def _trailing_numbers(line: str) -> int:
    n = 0
    for token in reversed(line.split()):
        if not _NUM_TOKEN.match(token):
            break
        n += 1
    return n


def _is_table_head(line: str) -> bool:
    return len(YEAR.findall(line)) >= 3 and len(line) <= 120


def _heading_level(line: str) -> int:
    """0 when the line is not a heading; otherwise its level (1 = top)."""
    atx = _ATX.match(line)
    if atx:
        return len(atx.group(1))
    if len(line) > 90 or line.endswith((".", ",", ";")) or _BULLET.match(line):
        return 0
    if _ANNEX.match(line):
        return 1
    m = _NUMBERED.match(line)
    if m:
        title = m.group("title")
        if not title[:1].isupper() or len(title.split()) > 12:
            return 0
        return 1 + m.group("num").count(".") + 1
    words = line.split()
    if not words or len(words) > 10 or not (line[0].isupper() or line[0].isdigit()):
        return 0
    if line.endswith(":") or _trailing_numbers(line) >= 2:
        return 0
    return 1


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    in_table = False
    after_colon = False  # short lines after "… de volgende uitkeringen:" are list items, not headings
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        line = raw.strip()
        if not line:
            continue
        start += len(raw) - len(raw.lstrip())
        end = start + len(line)
        if _is_table_head(line):
            in_table = True
            blocks.append(_Block(start, end, line, "table_head"))
            continue
        if in_table:
            if _trailing_numbers(line) >= 1 and len(line.split()) > _trailing_numbers(line):
                blocks.append(_Block(start, end, line, "table_row"))
                continue
            if line.endswith(":") and len(line) <= 80:
                blocks.append(_Block(start, end, line, "table_label"))
                continue
            in_table = False
        level = _heading_level(line)
        if level and after_colon and not (_NUMBERED.match(line) or _ANNEX.match(line)):
            level = 0
            blocks.append(_Block(start, end, line, "item"))
        elif level:
            blocks.append(_Block(start, end, line, "heading", level))
        elif _BULLET.match(line) or (after_colon and len(line) < 120 and not line.endswith(".")):
            blocks.append(_Block(start, end, line, "item"))
        else:
            blocks.append(_Block(start, end, line, "para"))
        if line.endswith(":"):
            after_colon = True
        elif blocks[-1].kind != "item":
            after_colon = False
    return blocks


def _split_long(block: _Block, size: int) -> list[_Block]:
    """Split a block longer than `size` at sentence ends (offsets stay exact)."""
    text = block.text
    if len(text) <= size:
        return [block]
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    spans, begin = [], 0
    for prev_cut, cut in zip(bounds, bounds[1:]):
        if cut - begin > size and prev_cut > begin:
            spans.append((begin, prev_cut))
            begin = prev_cut
    spans.append((begin, len(text)))
    out: list[_Block] = []
    for a, b in spans:
        while b - a > 2 * size:  # one run-on "sentence": cut at a space
            cut = text.rfind(" ", a + 1, a + size)
            cut = cut if cut > a else a + size
            out.append(_piece(block, a, cut))
            a = cut
        out.append(_piece(block, a, b))
    return [p for p in out if p.text]


def _piece(block: _Block, a: int, b: int) -> _Block:
    raw = block.text[a:b]
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    return _Block(block.start + a + lead, block.start + a + lead + len(text), text, block.kind)


def chunk(doc: CleanDoc, size: int = 900, min_size: int = 200) -> list[Chunk]:
    """Cut a cleaned document into chunks of at most ~`size` characters along its structure."""
    if size < 100:
        raise ValueError(f"chunk size {size} is too small; use at least 100 characters")
    out: list[Chunk] = []
    path: list[tuple[int, str]] = []  # heading stack: (level, title)
    buf: list[_Block] = []
    table_head: _Block | None = None

    def section() -> str:
        return " > ".join(title for _, title in path)

    def flush() -> None:
        nonlocal buf
        body = [b for b in buf if b.kind != "heading"]
        if not body:
            buf = []
            return
        start, end = buf[0].start, buf[-1].end
        kind = "table" if any(b.kind == "table_row" for b in buf) else (
            "list" if any(b.kind == "item" for b in buf) else "text")
        if kind == "table" and table_head is not None and buf[0] is not table_head:
            text = table_head.text + "\n" + "\n".join(b.text for b in buf)
        else:
            text = doc.text[start:end]
        sec = section()
        out.append(Chunk(chunk_id(doc.meta.doc_id, start, sec, text), doc.meta.doc_id, text,
                         sec, doc.page_at(start), start, end, kind))
        buf = []

    def length(blocks: list[_Block]) -> int:
        return blocks[-1].end - blocks[0].start if blocks else 0

    for block in _blocks(doc.text):
        if block.kind == "heading":
            flush()
            while path and path[-1][0] >= block.level:
                path.pop()
            atx = _ATX.match(block.text)
            path.append((block.level, atx.group(2) if atx else block.text))
            buf = [block]
            table_head = None
            continue
        if block.kind == "table_head":
            flush()
            table_head = block
            buf = [block]
            continue
        if block.kind in ("table_row", "table_label"):
            # a group label ("Bevorderen kansengelijkheid:") starts a new chunk within the table
            if block.kind == "table_label" and any(b.kind == "table_row" for b in buf):
                flush()
            elif buf and length(buf + [block]) > size and any(b.kind == "table_row" for b in buf):
                flush()
            buf.append(block)
            continue
        if table_head is not None:  # the table ended
            flush()
            table_head = None
        for piece in _split_long(block, size):
            body_len = length([b for b in buf if b.kind != "heading"] + [piece]) if buf else 0
            if buf and body_len > size and length([b for b in buf if b.kind != "heading"]) >= min_size:
                flush()
            elif buf and length(buf + [piece]) > size * 1.5:
                flush()
            buf.append(piece)
    flush()
    return _with_links(_merge_small(out, size, min_size, doc), doc)


def _with_links(chunks: list[Chunk], doc: CleanDoc) -> list[Chunk]:
    """Give each chunk the bare URL lines that stood in it or right after it (a URL line after a
    heading goes to the chunk that follows). Links are metadata: not in the text or the id."""
    if not doc.url_at or not chunks:
        return chunks
    links: dict[int, list[str]] = {}
    for off, url in doc.url_at:
        i = next((i for i, c in enumerate(chunks) if c.start < off <= c.end), None)
        if i is None:
            i = next((i for i, c in enumerate(chunks) if c.start >= off), len(chunks) - 1)
        if url not in links.setdefault(i, []):
            links[i].append(url)
    return [replace(c, links=tuple(links[i])) if i in links else c for i, c in enumerate(chunks)]


def _merge_small(chunks: list[Chunk], size: int, min_size: int, doc: CleanDoc) -> list[Chunk]:
    """Merge a chunk shorter than min_size into its predecessor in the same section."""
    merged: list[Chunk] = []
    for c in chunks:
        prev = merged[-1] if merged else None
        if (prev and len(c.text) < min_size and c.kind != "table" and prev.kind != "table"
                and prev.section == c.section and c.end - prev.start <= size + min_size):
            text = doc.text[prev.start:c.end]
            kind = "list" if "list" in (prev.kind, c.kind) else prev.kind
            merged[-1] = Chunk(chunk_id(doc.meta.doc_id, prev.start, prev.section, text), prev.doc_id,
                               text, prev.section, prev.page, prev.start, c.end, kind)
        else:
            merged.append(c)
    return merged
