"""The record of one chunk in Chroma: flat metadata both ways, the `where` filter, the embedded text.

Chroma metadata holds only str/int/float/bool, so a chunk and its document's DocMeta are
flattened into one dict per chunk (`to_metadata`) and rebuilt from it (`from_metadata`).
`embed_text` is what the embedding model sees; its sha256 (`embed_sha`) says whether a stored
chunk must be embedded again and keys the BM25 term cache (lexical.TermCache).
Non-goals: reading or writing Chroma (store.py), deciding what to write (index.Index.sync).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from ingest.text import YEAR
from ingest.types import Chunk, DocMeta

# DocMeta fields stored as they are (None -> ""); identifiers go in as a JSON list
_META_KEYS = ("title", "path", "publisher", "doc_type", "date", "period", "source", "sha256")


def doc_year(meta: DocMeta) -> int:
    """The latest year the document's date or period names (0 when unknown)."""
    years = [int(y) for y in YEAR.findall(f"{meta.date} {meta.period}")]
    return max(years, default=0)


def embed_text(chunk: Chunk, meta: DocMeta) -> str:
    """What the embedding model sees: title and section give the passage its context."""
    head = " > ".join(p for p in (meta.title, chunk.section) if p)
    return f"{head}\n{chunk.text}" if head else chunk.text


def to_metadata(chunk: Chunk, meta: DocMeta, root: str = "") -> dict:
    """Flat Chroma metadata (str/int only; None is stored as "" or -1)."""
    md = {k: getattr(meta, k) or "" for k in _META_KEYS}
    md.update(
        doc_id=chunk.doc_id, section=chunk.section, page=chunk.page if chunk.page is not None else -1,
        start=chunk.start, end=chunk.end, kind=chunk.kind, year=doc_year(meta),
        identifiers=json.dumps(list(meta.identifiers), ensure_ascii=False), root=root,
        links="\n".join(chunk.links),
        embed_sha=hashlib.sha256(embed_text(chunk, meta).encode()).hexdigest()[:16],
    )
    return md


def from_metadata(chunk_id: str, text: str, md: dict) -> tuple[Chunk, DocMeta]:
    """The chunk and its document's metadata back from one stored record (see to_metadata)."""
    page = int(md.get("page", -1))
    chunk = Chunk(chunk_id, md["doc_id"], text, md.get("section", ""), page if page >= 0 else None,
                  int(md.get("start", 0)), int(md.get("end", 0)), md.get("kind", "text"),
                  tuple(x for x in (md.get("links") or "").split("\n") if x))
    meta = DocMeta(doc_id=md["doc_id"], identifiers=tuple(json.loads(md.get("identifiers") or "[]")),
                   **{k: md.get(k, "") for k in _META_KEYS})
    return chunk, meta


def where_clause(doc_ids: Sequence[str] = (), doc_types: Sequence[str] = (),
                 year_from: int | None = None, year_to: int | None = None) -> dict | None:
    """Chroma `where` for the metadata filters; None when there is no filter."""
    parts: list[dict] = []
    if doc_ids:
        parts.append({"doc_id": {"$in": list(doc_ids)}})
    if doc_types:
        parts.append({"doc_type": {"$in": list(doc_types)}})
    if year_from is not None:
        parts.append({"year": {"$gte": int(year_from)}})
    if year_to is not None:
        parts.append({"year": {"$lte": int(year_to)}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}
