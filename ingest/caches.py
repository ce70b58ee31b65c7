"""The caches beside the index, opened on first use: BM25 terms and sentence vectors.

Both are SQLite files in Settings.data_dir keyed by content, so they are never stale and
deleting one loses nothing (the next ingest or question refills it); they stay local even when
Chroma is a server. bm25-terms.sqlite: embed_sha -> analysed terms (lexical.TermCache), so a
BM25 rebuild reads no texts back; sentences.sqlite: sha256(model, text) -> vector
(sentences.SentenceVectors), for extractive answers.
Non-goals: what each cache holds and how (lexical.py, sentences.py); the Chroma store (store.py).
"""

from __future__ import annotations

from ingest.lexical import TermCache
from ingest.settings import Settings


class Caches:
    """`terms` and `sentences`, each opened when first asked for."""

    def __init__(self, settings: Settings, embedder) -> None:
        self.settings = settings
        self.embedder = embedder  # store.Embedder: the sentence vectors are this model's
        self._terms: TermCache | None = None
        self._sentences = None

    @property
    def terms(self) -> TermCache:
        """Analysed BM25 terms per passage (see lexical.TermCache); local, like the BM25 folder."""
        if self._terms is None:
            self._terms = TermCache(self.settings.data_dir / "bm25-terms.sqlite")
        return self._terms

    @property
    def sentences(self):
        """Sentence-vector cache for extractive answers (see sentences.py)."""
        if self._sentences is None:
            from ingest.sentences import SentenceVectors

            self._sentences = SentenceVectors(self.settings.data_dir / "sentences.sqlite", self.embedder)
        return self._sentences
