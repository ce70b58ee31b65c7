"""The store: the Chroma collection of chunks, read in pages and written in batches.

`Store` holds the Chroma client (embedded folder or HTTP server, per Settings.chroma_mode),
the collection (refusing one built with another embedding model) and its LangChain view for
dense retrieval. Every call that names many ids is cut into CHROMA_BATCH slices, and whole-
collection reads go page by page, so a large corpus never exceeds Chroma's batch limit.
Non-goals: what a record holds (records.py), which chunks to write (index.Index.sync), the BM25
index and the caches beside it (lexical.py, caches.py), the generation stamp (freshness.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from ingest.batch import in_batches
from ingest.errors import StoreError
from ingest.records import from_metadata
from ingest.settings import Settings
from ingest.types import Chunk, DocMeta

# ids (or rows of a page) per Chroma call: under the client's max batch size
# (client.get_max_batch_size(): 5461 for the embedded SQLite backend of chromadb 1.5)
CHROMA_BATCH = 5000


class Embedder(Protocol):
    """What the index needs from an embedding model (ingest.embed.E5Embeddings is one)."""

    name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class Store:
    """One Chroma collection (Settings.collection). Connects lazily; cheap to construct."""

    def __init__(self, settings: Settings, embedder: Embedder, client=None) -> None:
        self.settings = settings
        self.embedder = embedder
        self._client = client
        self._collection = None
        self._vectorstore = None

    # -- resources ---------------------------------------------------------------------
    @property
    def client(self):
        if self._client is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
            if self.settings.chroma_mode == "http":
                self._client = chromadb.HttpClient(host=self.settings.chroma_host,
                                                   port=self.settings.chroma_port, settings=chroma_settings)
            else:
                self.settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(self.settings.chroma_dir),
                                                         settings=chroma_settings)
        return self._client

    @property
    def collection(self):
        if self._collection is None:
            name = getattr(self.embedder, "name", "unknown")
            col = self.client.get_or_create_collection(
                self.settings.collection, metadata={"hnsw:space": "cosine", "embed_model": name})
            built_with = (col.metadata or {}).get("embed_model")
            if built_with and built_with != name:
                raise StoreError(
                    f"the index in {self.settings.chroma_dir} was built with embedding model "
                    f"{built_with!r} but MBO_EMBED_MODEL is {name!r}; run `mbo-assistant ingest --rebuild` "
                    f"or set MBO_EMBED_MODEL={built_with}")
            self._collection = col
        return self._collection

    @property
    def vectorstore(self):
        """The collection as a LangChain vector store (used for dense retrieval)."""
        if self._vectorstore is None:
            from langchain_chroma import Chroma

            self.collection  # checks the embedding model the index was built with
            self._vectorstore = Chroma(client=self.client, collection_name=self.settings.collection,
                                       embedding_function=self.embedder)
        return self._vectorstore

    # -- reading -----------------------------------------------------------------------
    def count(self) -> int:
        return self.collection.count()

    def get_all(self, **kwargs) -> dict:
        """collection.get in pages of CHROMA_BATCH: {"ids": [...], "documents": [...],
        "metadatas": [...]} (lists empty for what `include` leaves out)."""
        out: dict = {"ids": [], "documents": [], "metadatas": []}
        offset = 0
        while True:  # pages, not in_batches: the number of rows is not known up front
            res = self.collection.get(limit=CHROMA_BATCH, offset=offset, **kwargs)
            for key in out:
                out[key].extend(res.get(key) or [])
            if len(res["ids"]) < CHROMA_BATCH:
                return out
            offset += CHROMA_BATCH

    def documents(self) -> dict[str, dict]:
        """doc_id -> {"sha256", "root", "path", "title", "chunks"} for everything in the index."""
        docs: dict[str, dict] = {}
        for md in self.get_all(include=["metadatas"])["metadatas"]:
            d = docs.setdefault(md["doc_id"], {"sha256": md.get("sha256", ""), "root": md.get("root", ""),
                                               "path": md.get("path", ""), "title": md.get("title", ""),
                                               "chunks": 0})
            d["chunks"] += 1
        return docs

    def fetch(self, ids: Sequence[str]) -> dict[str, tuple[Chunk, DocMeta]]:
        """id -> (chunk, meta) for a handful of ids (retrieval hits: one call, no batches)."""
        if not ids:
            return {}
        res = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        return {i: from_metadata(i, t, m) for i, t, m in zip(res["ids"], res["documents"], res["metadatas"])}

    def ids_where(self, where: dict | None) -> set[str] | None:
        return None if where is None else set(self.get_all(where=where, include=[])["ids"])

    def records(self, ids: list[str]) -> Iterator[tuple[str, str, dict]]:
        """(id, text, metadata) for any number of ids, asked for in batches."""
        for part in in_batches(ids, CHROMA_BATCH):
            got = self.collection.get(ids=part, include=["documents", "metadatas"])
            yield from zip(got["ids"], got["documents"], got["metadatas"])

    # -- writing -----------------------------------------------------------------------
    def upsert(self, ids: list[str], vectors: list, texts: list[str], metadatas: list[dict]) -> None:
        """One call per embedding batch of the caller (Index.sync: embed_batch_size * 4 chunks)."""
        self.collection.upsert(ids=ids, embeddings=vectors, documents=texts, metadatas=metadatas)

    def update_metadata(self, metadatas: dict[str, dict]) -> None:
        """New metadata for stored chunks, id -> metadata (text and vector stay)."""
        for ids in in_batches(list(metadatas), CHROMA_BATCH):
            self.collection.update(ids=ids, metadatas=[metadatas[i] for i in ids])

    def delete(self, ids: list[str]) -> None:
        for part in in_batches(ids, CHROMA_BATCH):
            self.collection.delete(ids=part)

    def reset(self) -> None:
        """Drop the collection (for --rebuild); the next use creates it empty."""
        try:
            self.client.delete_collection(self.settings.collection)
        except Exception:  # noqa: BLE001 - absent collection; chroma raises various types
            pass
        self._collection = None
        self._vectorstore = None
