"""One Assistant (build_assistant, real e5, real Chroma, fixture corpus) shared by 20 threads:
every thread asks the same 10 questions at once; no errors, and every answer is identical to the
single-threaded one (text, answered, citations with their passages and quotes, support verdicts).
"""

import random
import threading

import pytest

from assistant.factory import build_assistant, build_index, build_retriever
from ingest.settings import Settings
from ingest.pipeline import ingest
from tests.conftest import FIXTURE_CORPUS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUESTIONS = [
    "Hoeveel uur beroepspraktijkvorming volgt een bbl-student minimaal?",
    "Hoeveel dagen per week werkt een bbl-student bij het leerbedrijf?",
    "Hoe hoog is het cursusgeld in 2023?",
    "Wie betaalt het loon van de bbl-student?",
    "Voor wie is de entreeopleiding bedoeld?",
    "Hoe lang duurt de entreeopleiding?",
    "Wat doet de school voordat een student wordt toegelaten tot de entreeopleiding?",
    "Hoeveel geld gaat er in 2025 naar de Regionale Meld- en Coördinatiefunctie?",
    "How many hours of work placement does a bbl student need?",
    "Wat zijn de openingstijden van DUO op zaterdag?",
]


def key(answer) -> tuple:
    """What must not depend on concurrency (timings may)."""
    cites = tuple((c.n, c.hit.chunk.chunk_id, c.hit.rank, c.quote) for c in answer.citations)
    sents = tuple((s.text, s.cites, s.supported) for s in answer.sentences)
    return answer.text, answer.answered, cites, sents, answer.notes


@pytest.fixture(scope="module")
def settings(tmp_path_factory, real_embedder):
    s = Settings(data_dir=tmp_path_factory.mktemp("concurrency"), corpus_dir=FIXTURE_CORPUS,
                 chunk_size=200, chunk_min=60)
    report = ingest([FIXTURE_CORPUS], s, build_index(s, real_embedder))
    assert report.documents == 3 and not report.failed
    return s


def test_twenty_threads_get_the_single_threaded_answers(settings, real_embedder):
    baseline = build_assistant(settings, build_retriever(settings, build_index(settings, real_embedder)))
    single = {q: key(baseline.answer(q)) for q in QUESTIONS}
    assert sum(k[1] for k in single.values()) >= 8  # the questions are answerable (DUO is not)

    # a cold assistant of its own (own model, Chroma client, BM25): lazy set-up is raced too
    shared = build_assistant(settings)
    threads, errors, got = 20, [], {}
    gate = threading.Barrier(threads)
    lock = threading.Lock()

    def user(u: int) -> None:
        order = QUESTIONS[:]
        random.Random(u).shuffle(order)
        try:
            gate.wait()
            for q in order:
                a = shared.answer(q)
                with lock:
                    got.setdefault(q, []).append(key(a))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            with lock:
                errors.append(f"user {u}: {type(exc).__name__}: {exc}")

    pool = [threading.Thread(target=user, args=(u,)) for u in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(600)
    assert not any(t.is_alive() for t in pool), "a thread did not finish in 10 minutes"
    assert not errors, errors[:5]
    for q in QUESTIONS:
        assert len(got[q]) == threads
        differ = [k for k in got[q] if k != single[q]]
        assert not differ, f"{q!r}: {len(differ)} of {threads} answers differ, e.g. {differ[0]} vs {single[q]}"
