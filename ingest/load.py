"""Loaders: a file on disk -> LoadedDoc (raw text per page/block, with its location).

Supported: .txt/.md (one block, pages unknown), .pdf (pypdf, one Page per PDF page with its
1-based number), .html/.htm (main text: <main>/<article>/<body> without nav, header, footer,
script, style, aside, form). Every failure is a LoadError naming the file and the reason.
Non-goals: OCR of scanned PDFs, cleaning (clean.py), metadata from the text (manifest.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from ingest.errors import LoadError
from ingest.types import DocMeta, LoadedDoc, Page

SUPPORTED = (".txt", ".md", ".pdf", ".html", ".htm")
MAX_BYTES = 50 * 1024 * 1024  # a policy document is far smaller; bigger is a mistake
_DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript",
              "template", "svg", "iframe", "button")
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre", "blockquote",
               "dt", "dd", "caption", "figcaption")


def slug(text: str) -> str:
    """'Werkwijzer Leren & Werken.pdf' stem -> 'werkwijzer-leren-werken' (the default doc_id)."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "document"


def load(path: Path, meta: DocMeta | None = None) -> LoadedDoc:
    """Read `path`; `meta` (from the manifest) or metadata derived from the file name."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LoadError(path, f"file is {size // 2**20} MB, over the {MAX_BYTES // 2**20} MB limit; "
                                  "split it or leave it out")
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read the file ({exc.strerror or exc}); check it exists "
                              "and is readable") from exc
    if not data.strip():
        raise LoadError(path, "the file is empty; remove it or give it text")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        pages = _pdf(path, data)
        default_type = "document"
    elif suffix in (".html", ".htm"):
        pages = (Page(_html(path, data)),)
        default_type = "web page"
    elif suffix in (".txt", ".md"):
        pages = (Page(_decode(path, data)),)
        default_type = "document"
    else:
        raise LoadError(path, f"unsupported file type {suffix or '(none)'!r}; supported are "
                              f"{', '.join(SUPPORTED)}")
    if not any(p.text.strip() for p in pages):
        raise LoadError(path, "no text could be extracted (a scanned PDF needs OCR first)" if suffix == ".pdf"
                        else "no text could be extracted (only markup, scripts or whitespace)")
    digest = hashlib.sha256(data).hexdigest()
    if meta is None:
        meta = DocMeta(doc_id=slug(path.stem), title=_title(pages, path), path=str(path),
                       doc_type=default_type, source=path.name)
    return LoadedDoc(meta=replace(meta, sha256=digest), pages=pages)


def _title(pages: tuple[Page, ...], path: Path) -> str:
    for line in pages[0].text.splitlines() if pages else ():
        line = line.strip().lstrip("#").strip()
        if 3 <= len(line) <= 120:
            return line
    return path.stem


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252 when the bytes look like text; never binary."""
    if b"\x00" in data[:4096]:
        raise LoadError(path, "the file is binary (contains NUL bytes), not text; "
                              "save it as UTF-8 text or PDF")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise LoadError(path, "the file is neither UTF-8 nor Windows-1252 text; "
                                  "save it as UTF-8") from None
    bad = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\n\r\t\f")
    if bad > max(8, len(text) // 100):
        raise LoadError(path, f"the file looks binary ({bad} control characters), not text; "
                              "save it as UTF-8 text or PDF")
    return text


def _pdf(path: Path, data: bytes) -> tuple[Page, ...]:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings on odd PDFs are not failures
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - unsupported crypto raises various types
                ok = 0
            if not ok:
                raise LoadError(path, "the PDF is encrypted with a password; "
                                      "save an unprotected copy")
        pages = []
        for i, page in enumerate(reader.pages, start=1):
            pages.append(Page(page.extract_text() or "", i))
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            OSError, RecursionError, AssertionError, ZeroDivisionError,
            NotImplementedError) as exc:  # a mangled filter name: "Unsupported filter /FlateDXcode"
        raise LoadError(path, f"the PDF cannot be read ({type(exc).__name__}: {exc}); "
                              "re-export or repair it") from exc
    if not pages:
        raise LoadError(path, "the PDF has no pages")
    return tuple(pages)


def _html(path: Path, data: bytes) -> str:
    from bs4 import BeautifulSoup

    text = _decode(path, data)
    try:
        soup = BeautifulSoup(text, "html.parser")
    except RecursionError as exc:
        raise LoadError(path, "the HTML is nested too deeply to read; simplify it") from exc
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ("navigation", "banner", "contentinfo")}):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    lines: list[str] = []
    blocks = root.find_all(_BLOCK_TAGS)
    if not blocks:
        return root.get_text("\n")
    for block in blocks:
        if block.find(_BLOCK_TAGS):  # an outer block: its inner blocks are visited themselves
            continue
        cells = block.find_all(("td", "th")) if block.name == "tr" else []
        line = " ".join(c.get_text(" ", strip=True) for c in cells) if cells \
            else block.get_text(" ", strip=True)
        if not line:
            continue
        if block.name == "li":
            line = "- " + line
        lines.append(line)
        lines.append("")  # each block its own paragraph
    return "\n".join(lines)
