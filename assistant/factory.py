"""The one place that wires the parts together. App, CLI and evals all call these; tests pass
fakes (an embedder, a Chroma client) instead. Nothing is loaded until first use.
"""

from __future__ import annotations

from assistant.retrieve import HybridRetriever
from assistant.settings import Settings
from ingest.index import Embedder, Index


def build_embedder(settings: Settings) -> Embedder:
    from ingest.embed import E5Embeddings

    return E5Embeddings.from_settings(settings)


def build_index(settings: Settings, embedder: Embedder | None = None, client=None) -> Index:
    return Index(settings, embedder or build_embedder(settings), client=client)


def build_retriever(settings: Settings, index: Index | None = None) -> HybridRetriever:
    return HybridRetriever(index=index or build_index(settings), k=settings.retrieve_k,
                           dense_k=settings.dense_k, lexical_k=settings.lexical_k, rrf_k=settings.rrf_k)
