"""The frozen data types that flow from ingest to retrieval: documents, pages, chunks, hits,
filters and the ingest report. They live at the upstream end so that every layer can use them
(assistant/answer/types.py adds the answer's own types).

Every stage is a function from these dataclasses to these dataclasses. Non-goal: behaviour;
the only methods here are small derived views.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Document types the manifest and loaders use (free text is allowed; these are the known ones).
DOC_TYPES = ("Kamerbrief", "werkwijzer", "position paper", "web page", "document")


@dataclass(frozen=True)
class DocMeta:
    """What we know about one source document (from corpus/manifest.json or from the file)."""

    doc_id: str  # stable id, e.g. "kamerbrief-werkagenda-mbo-2022"
    title: str
    path: str = ""  # file name relative to the corpus folder (or absolute for ad-hoc files)
    publisher: str = ""
    doc_type: str = "document"
    date: str = ""  # ISO date "2022-12-09", or "" when the text gives none
    period: str = ""  # e.g. "2023-2027" or "vergaderjaar 2017-2018"
    identifiers: tuple[str, ...] = ()  # e.g. ("Kamerstuk 31 524, nr. 361",)
    source: str = ""  # where the text came from (URL or description)
    sha256: str = ""  # of the file's bytes; filled in by load()


@dataclass(frozen=True)
class Page:
    """A block of raw text with its location. `number` is the 1-based page, None when unknown."""

    text: str
    number: int | None = None


@dataclass(frozen=True)
class LoadedDoc:
    """The raw text of one file, split into pages/blocks in reading order."""

    meta: DocMeta
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class CleanDoc:
    """A cleaned document: one text plus where each page starts in it.

    page_starts: ((offset, page_number), ...) sorted by offset; the page of a character at
    offset o is the number of the last entry with offset <= o. Empty when pages are unknown.
    """

    meta: DocMeta
    text: str
    page_starts: tuple[tuple[int, int], ...] = ()
    footnotes: tuple[str, ...] = ()  # footnote lines, separated from the body text
    urls: tuple[str, ...] = ()  # bare URL lines, kept as metadata rather than body text
    url_at: tuple[tuple[int, str], ...] = ()  # (offset in text where the URL line stood, URL)

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage. `start`/`end` are character offsets into CleanDoc.text."""

    chunk_id: str  # sha256 of (doc_id, start, text), see ingest.chunk.chunk_id
    doc_id: str
    text: str
    section: str = ""  # heading path, e.g. "Financiering > 5.2 Levensonderhoud"
    page: int | None = None
    start: int = 0
    end: int = 0
    kind: str = "text"  # "text" | "list" | "table" | "footnotes"
    links: tuple[str, ...] = ()  # bare URL lines that stood in or right after this passage


@dataclass(frozen=True)
class Hit:
    """A chunk returned by retrieval, with its document's metadata and fused score."""

    rank: int  # 1-based
    chunk: Chunk
    meta: DocMeta
    score: float
    sources: tuple[str, ...] = ()  # which retrievers found it: ("dense", "lexical")
    similarity: float | None = None  # cosine(query, passage) from the dense retriever, if it found it


@dataclass(frozen=True)
class Failure:
    """A file that could not be ingested, with a message that names it and the fix."""

    path: str
    reason: str


@dataclass(frozen=True)
class Excluded:
    """A sentence left out at ingest because it addresses the assistant (ingest/steering.py)."""

    path: str
    sentence: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    documents: int = 0  # documents seen and loaded
    chunks: int = 0  # chunks in those documents
    embedded: int = 0  # chunks newly embedded in this run
    skipped: int = 0  # chunks already in the index (unchanged)
    removed: int = 0  # chunks deleted (changed or removed documents)
    failed: tuple[Failure, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    excluded: tuple[Excluded, ...] = field(default_factory=tuple)  # steering sentences left out


@dataclass(frozen=True)
class Filters:
    """Metadata filters for retrieval; empty means no filter."""

    doc_ids: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
