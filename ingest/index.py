"""The index: chunks embedded into a Chroma collection, plus the BM25 lexical index beside it.

`Index` ties the parts together: the store (store.py: Chroma client, collection, paging), the
caches (caches.py: BM25 terms, sentence vectors) and freshness (freshness.py: the generation
stamp and its poll). `sync` makes the collection equal to the given documents' chunks: ids come
from content, so unchanged chunks are skipped (nothing embedded), changed documents have their
old chunks replaced, and a killed run is repaired by the next one (it adds what is missing and
deletes what is stale; new chunks are written before old ones are deleted, so nothing is lost
on a crash). The BM25 index is rebuilt from the collection when its chunk-id set changed.
Non-goals: loading, cleaning and chunking files (see pipeline.py); answer generation.

Callers import Index, Embedder and the record helpers (from_metadata, where_clause, embed_text,
to_metadata, doc_year) from here; they live in store.py and records.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.batch import in_batches
from ingest.caches import Caches
from ingest.freshness import Freshness
from ingest.lexical import LexicalIndex, TermCache, analyse, stamp_of
from ingest.records import doc_year, embed_text, from_metadata, to_metadata, where_clause
from ingest.settings import Settings
from ingest.store import Embedder, Store
from ingest.types import Chunk, DocMeta

__all__ = ["Embedder", "Index", "SyncCounts", "doc_year", "embed_text", "from_metadata", "to_metadata",
           "where_clause"]


@dataclass(frozen=True)
class SyncCounts:
    embedded: int = 0
    skipped: int = 0
    removed: int = 0
    updated: int = 0


class Index:
    """Chroma collection + lexical index for one corpus. Built lazily; cheap to construct."""

    freshness_s = 30.0  # seconds between looks at the generation stamp (see freshness.py)

    def __init__(self, settings: Settings, embedder: Embedder, client=None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = Store(settings, embedder, client)
        self.caches = Caches(settings, embedder)
        self.freshness = Freshness(lambda: self.store.client, settings.collection)
        self._lexical: LexicalIndex | None = None
        self._stamp = ""  # stamp_of the chunk ids self._lexical was built from

    # -- resources (store.py, caches.py) ---------------------------------------------------
    @property
    def client(self):
        return self.store.client

    @property
    def collection(self):
        return self.store.collection

    @property
    def vectorstore(self):
        """The collection as a LangChain vector store (used for dense retrieval)."""
        return self.store.vectorstore

    @property
    def sentences(self):
        """Sentence-vector cache for extractive answers (see sentences.py)."""
        return self.caches.sentences

    @property
    def terms(self) -> TermCache:
        """Analysed BM25 terms per passage (see lexical.TermCache); local, like the BM25 folder."""
        return self.caches.terms

    # -- reading -----------------------------------------------------------------------
    def count(self) -> int:
        return self.store.count()

    def _get(self, **kwargs) -> dict:
        """collection.get in pages (Store.get_all). Kept as Index._get: the web views read
        through it, and benchmarks time it on this class (benchmarks/scale.py)."""
        return self.store.get_all(**kwargs)

    def documents(self) -> dict[str, dict]:
        """doc_id -> {"sha256", "root", "path", "title", "chunks"} for everything in the index."""
        return self.store.documents()

    def fetch(self, ids: Sequence[str]) -> dict[str, tuple[Chunk, DocMeta]]:
        return self.store.fetch(ids)

    def ids_where(self, where: dict | None) -> set[str] | None:
        return self.store.ids_where(where)

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index; rebuilt from the collection when missing or stale (e.g. after a crash,
        or after another process ingested into a shared Chroma server: checked every 30 s)."""
        now = time.monotonic()
        if self._lexical is None:
            self.refresh_lexical()
            self.freshness.checked = now
        elif self.freshness.due(now, self.freshness_s):
            if self.generation() not in ("", self._stamp):
                self.refresh_lexical()
        return self._lexical

    def generation(self) -> str:
        """The stamp (hash of the chunk-id set) the last ingest wrote beside the collection."""
        return self.freshness.generation()

    def rebuild_lexical(self) -> None:
        """BM25 over the whole collection. Reads ids and metadata; texts only of passages whose
        terms are not cached (written by another process, an old index, a deleted cache)."""
        res = self._get(include=["metadatas"])
        ids = res["ids"]
        keys = [m.get("embed_sha", "") for m in res["metadatas"]]  # "" (old index): never cached
        known = self.terms.get(keys)
        missing = [i for i, k in zip(ids, keys) if k not in known]
        fetched: dict[str, list[str]] = {}
        for i, t, m in self.store.records(missing):
            fetched[i] = analyse(f"{m.get('title', '')} {m.get('section', '')} {t}")
        self.terms.put({k: fetched[i] for i, k in zip(ids, keys) if k and i in fetched})
        self._lexical = LexicalIndex.from_terms(ids, [known[k] if k in known else fetched[i]
                                                      for i, k in zip(ids, keys)])
        self._stamp = stamp_of(ids)
        self._lexical.save(self.settings.lexical_dir, self._stamp)
        self.terms.prune({k for k in keys if k})

    def refresh_lexical(self) -> None:
        """After writes: rebuild the BM25 index if the set of chunks changed."""
        ids = self._get(include=[])["ids"]
        stamp = stamp_of(ids)
        loaded = LexicalIndex.load(self.settings.lexical_dir)
        if loaded and loaded[1] == stamp:
            self._lexical, self._stamp = loaded[0], stamp
        else:
            self.rebuild_lexical()
        if self.generation() != self._stamp:
            self.freshness.set_generation(self._stamp)

    # -- writing -----------------------------------------------------------------------
    def sync(self, docs: Iterable[tuple[DocMeta, list[Chunk], str]], bar=None) -> SyncCounts:
        """Make the index hold exactly these chunks for these documents (others untouched).

        docs: (meta, chunks, root) with root the folder the file was found in ("" for a file
        given by name). bar: optional progress bar with reset(total=) and update(n) (tqdm).
        """
        wanted: dict[str, tuple[str, dict]] = {}  # id -> (embed text, metadata)
        texts: dict[str, str] = {}
        doc_ids = []
        for meta, chunks, root in docs:
            doc_ids.append(meta.doc_id)
            for c in chunks:
                wanted[c.chunk_id] = (embed_text(c, meta), to_metadata(c, meta, root))
                texts[c.chunk_id] = c.text
        have = {}
        if doc_ids:
            res = self._get(where={"doc_id": {"$in": doc_ids}}, include=["metadatas"])
            have = dict(zip(res["ids"], res["metadatas"]))
        to_embed = [i for i, (_, md) in wanted.items() if i not in have or have[i].get("embed_sha") != md["embed_sha"]]
        to_update = [i for i, (_, md) in wanted.items() if i in have and i not in to_embed and have[i] != md]
        stale = [i for i in have if i not in wanted]

        if bar is not None:
            bar.reset(total=len(to_embed))
        # chunks per embed call and write: a model-side size (Settings.embed_batch_size * 4), no store limit
        for ids in in_batches(to_embed, max(1, self.settings.embed_batch_size * 4)):
            vectors = self.embedder.embed_documents([wanted[i][0] for i in ids])
            self.store.upsert(ids, vectors, [texts[i] for i in ids], [wanted[i][1] for i in ids])
            # the BM25 terms of exactly this text (embed text = title, section, text), for rebuilds
            self.terms.put({wanted[i][1]["embed_sha"]: analyse(wanted[i][0]) for i in ids})
            if bar is not None:
                bar.update(len(ids))
        self.store.update_metadata({i: wanted[i][1] for i in to_update})
        self.store.delete(stale)
        return SyncCounts(embedded=len(to_embed), skipped=len(wanted) - len(to_embed),
                          removed=len(stale), updated=len(to_update))

    def remove_documents(self, doc_ids: Sequence[str]) -> int:
        if not doc_ids:
            return 0
        ids = self._get(where={"doc_id": {"$in": list(doc_ids)}}, include=[])["ids"]
        self.store.delete(ids)
        return len(ids)

    def reset(self) -> None:
        """Drop the collection, its generation stamp and the lexical index (for --rebuild)."""
        self.store.reset()
        self.freshness.reset()
        self._lexical = None
