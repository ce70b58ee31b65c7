"""The one place that wires the parts together. App, CLI and evals all call these; tests pass
fakes (an embedder, a Chroma client) instead. Nothing is loaded until first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.settings import Settings
from ingest.index import Embedder, Index

if TYPE_CHECKING:  # langchain is ~1.5 s of imports that `mbo-assistant ingest` does not need
    from assistant.answer.retrieve import HybridRetriever


def build_embedder(settings: Settings) -> Embedder:
    from ingest.embed import E5Embeddings

    return E5Embeddings.from_settings(settings)


def build_index(settings: Settings, embedder: Embedder | None = None, client=None) -> Index:
    return Index(settings, embedder or build_embedder(settings), client=client)


def build_retriever(settings: Settings, index: Index | None = None) -> HybridRetriever:
    from assistant.answer.retrieve import HybridRetriever

    return HybridRetriever(index=index or build_index(settings), k=settings.retrieve_k,
                           dense_k=settings.dense_k, lexical_k=settings.lexical_k, rrf_k=settings.rrf_k)


def build_similarity(embedder) -> "callable":
    """e5 cosine between an answer sentence (as query) and a passage: the cross-lingual support
    test (support.check uses it only when word overlap is low, e.g. English answers)."""
    import functools

    import numpy as np

    @functools.lru_cache(maxsize=4096)
    def passage_vec(text: str):
        return np.asarray(embedder.embed_documents([text])[0])

    def similarity(sentence: str, passage: str) -> float:
        return float(np.dot(np.asarray(embedder.embed_query(sentence)), passage_vec(passage)))

    return similarity


def build_model_server(settings: Settings):
    """The supervised local model process for MBO_LLM_BACKEND=local (started on first use), else None."""
    if settings.llm_backend != "local":
        return None
    from assistant.models.server import shared_server

    return shared_server(settings)


def build_assistant(settings: Settings, retriever: HybridRetriever | None = None, chat_model_factory=None,
                    selector=None):
    """The one factory: app, CLI and evals call this; tests pass a retriever over fakes; the
    selection fit passes selection.neutral() (it must run without a valid fitted file)."""
    from assistant.answer.chain import Assistant

    retriever = retriever or build_retriever(settings)
    server = build_model_server(settings) if chat_model_factory is None else None
    if chat_model_factory is None and settings.llm_backend != "none":
        def chat_model_factory():
            from assistant.models.chat import build_chat_model

            return build_chat_model(settings, server)
    from assistant.answer import selection

    return Assistant(settings, retriever, chat_model_factory,
                     similarity=build_similarity(retriever.index.embedder), model_server=server,
                     selector=selector or selection.load(settings.selection_path))
