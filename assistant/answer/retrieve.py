"""Hybrid retrieval as a LangChain retriever: dense (e5 in Chroma) + lexical (BM25), fused by
reciprocal rank. Returns LangChain Documents with our metadata; `search` returns our Hits.

Non-goals: answer generation, reranking (no reranker model ships offline).
"""

from __future__ import annotations

import time
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ingest.types import Filters, Hit
from ingest.index import from_metadata, where_clause


def rrf(rankings: list[list[str]], k: int = 60, weights: list[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: score(d) = sum_i w_i / (k + rank_i(d)), ranks 1-based.

    rankings: one list of ids per retriever, best first. Returns (id, score), best first;
    ties keep the order of first appearance.
    """
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def dense_query(query: str) -> str:
    """e5 does not know "bpv" or "stufi": the spelled-out words are added (see abbreviations.txt).
    Used for sentence selection only: added to passage retrieval it lowered hit@1 on the dev set
    (0.734 -> 0.664), so retrieval embeds the question as typed."""
    from assistant.answer.query import expand_abbreviations

    return expand_abbreviations(query)


def _lexical_query(query: str) -> str:
    """BM25 needs the corpus' Dutch words: an English question gets glossary terms added
    ("course fee" -> "cursusgeld"); dense retrieval is cross-lingual and gets the question as is."""
    from assistant.answer.query import expand_abbreviations, expand_english, language

    return expand_abbreviations(expand_english(query) if language(query) == "en" else query)


class HybridRetriever(BaseRetriever):
    """Dense + lexical retrieval over an ingest.index.Index."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    k: int = 5
    dense_k: int = 30
    lexical_k: int = 30
    rrf_k: int = 60
    filters: Filters = Filters()

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> tuple[list[Hit], dict]:
        """Top-k Hits for the query, and timings in ms {"dense", "lexical", "fuse"}."""
        k = k or self.k
        f = filters or self.filters
        where = where_clause(f.doc_ids, f.doc_types, f.year_from, f.year_to)
        t0 = time.perf_counter()
        dense = self.index.vectorstore.similarity_search_with_score(query, k=self.dense_k, filter=where)
        t1 = time.perf_counter()
        allowed = self.index.ids_where(where)
        lexical = self.index.lexical.search(_lexical_query(query), self.lexical_k, allowed)
        t2 = time.perf_counter()
        dense_ids = [doc.id for doc, _ in dense]
        lexical_ids = [cid for cid, _ in lexical]
        fused = rrf([dense_ids, lexical_ids], k=self.rrf_k)[:k]
        found = {doc.id: from_metadata(doc.id, doc.page_content, doc.metadata) for doc, _ in dense}
        missing = [cid for cid, _ in fused if cid not in found]
        found.update(self.index.fetch(missing))
        dense_set, lexical_set = set(dense_ids), set(lexical_ids)
        sims = {doc.id: 1.0 - float(dist) for doc, dist in dense}
        hits = []
        for rank, (cid, score) in enumerate(fused, start=1):
            chunk, meta = found[cid]
            sources = tuple(s for s, ids in (("dense", dense_set), ("lexical", lexical_set)) if cid in ids)
            hits.append(Hit(rank, chunk, meta, score, sources, sims.get(cid)))
        t3 = time.perf_counter()
        timings = {"dense": (t1 - t0) * 1000, "lexical": (t2 - t1) * 1000, "fuse": (t3 - t2) * 1000}
        return hits, timings

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits, _ = self.search(query)
        return [hit_to_document(h) for h in hits]


def hit_to_document(hit: Hit) -> Document:
    c, m = hit.chunk, hit.meta
    return Document(id=c.chunk_id, page_content=c.text, metadata={
        "rank": hit.rank, "score": hit.score, "doc_id": c.doc_id, "title": m.title, "doc_type": m.doc_type,
        "date": m.date, "period": m.period, "section": c.section, "page": c.page, "start": c.start,
        "end": c.end, "kind": c.kind, "sources": list(hit.sources)})
