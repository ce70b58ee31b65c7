"""Fakes for chain tests: a retriever over hand-made hits with a real lexical index."""

from __future__ import annotations

from assistant.answer.selection import ASK_FEATURES, FEATURES, Logistic, Selector
from ingest.types import Chunk, DocMeta, Hit
from ingest.chunk import chunk_id
from ingest.lexical import LexicalIndex
from ingest.sentences import SentenceVectors
from tests.conftest import FakeEmbedder

BBL = DocMeta(doc_id="bbl", title="Werkwijzer bbl", doc_type="werkwijzer", period="2023")
OLD = DocMeta(doc_id="oud", title="Kamerbrief 2018", doc_type="Kamerbrief", date="2018-03-14")
PASSAGES = [
    (BBL, "Bbl", "In de bbl werkt de student vier dagen per week bij een erkend leerbedrijf. "
                 "De kandidaat volgt minimaal 610 uur beroepspraktijkvorming per jaar."),
    (BBL, "Bekostiging", "Een deelnemer aan een bekostigde bbl-opleiding betaalt cursusgeld. "
                         "In bepaalde gevallen kan de werkgever het cursusgeld vergoeden."),
    (OLD, "Cascade", "Per 1 januari 2019 is de afschaffing van de cascadebekostiging gepland."),
]


def _weights(names, intercept: float = 0.0, **coef) -> Logistic:
    n = len(names)
    return Logistic((0.0,) * n, (1.0,) * n, tuple(float(coef.get(f, 0.0)) for f in names), intercept)


# The fake embedder's vectors carry no meaning, so chains over fakes select by the lexical
# score alone: P(unit) = sigmoid(10 * lex - 1); answerability = the best unit's P.
FAKE_SELECTOR = Selector(unit=_weights(FEATURES, -1.0, lex=10.0), ask=_weights(ASK_FEATURES, best_logit=1.0),
                         refuse_below=0.5, include_from=0.32, max_units=3, per_ask=2,
                         fitted_on="tests: the lexical score only")


class FakeIndex:
    def __init__(self, tmp_path, chunks):
        self.embedder = FakeEmbedder()
        self.lexical = LexicalIndex.build([c.chunk_id for c in chunks], [c.text for c in chunks])
        self.sentences = SentenceVectors(tmp_path / "s.sqlite", self.embedder)


class FakeRetriever:
    """Returns the passages ranked by the real BM25 index (all of them, best first)."""

    def __init__(self, tmp_path, passages=PASSAGES):
        self.hits = []
        for meta, section, text in passages:
            c = Chunk(chunk_id(meta.doc_id, 0, section, text), meta.doc_id, text, section, None, 0, len(text))
            self.hits.append((c, meta))
        self.index = FakeIndex(tmp_path, [c for c, _ in self.hits])
        self.queries = []

    def search(self, query, k=None, filters=None):
        self.queries.append(query)
        order = [cid for cid, _ in self.index.lexical.search(query, 10)]
        ranked = sorted(self.hits, key=lambda h: order.index(h[0].chunk_id) if h[0].chunk_id in order else 99)
        if filters and filters.doc_ids:
            ranked = [h for h in ranked if h[0].doc_id in filters.doc_ids]
        return [Hit(i + 1, c, m, 1.0 / (i + 1)) for i, (c, m) in enumerate(ranked)], {}
