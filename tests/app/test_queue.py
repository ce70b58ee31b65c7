"""Gradio's queue: one user's slow answer (an llm-mode answer held open) does not hold up another
user's answer. Real page, real e5 and Chroma over the fixture corpus; the chat model is a
stand-in that waits until the test lets it go, so the check does not depend on timing."""

import threading

import pytest

from tests.app.served import fixture_settings, serve

pytestmark = pytest.mark.integration

QUESTION = "Hoeveel uur beroepspraktijkvorming volgt een bbl-student per jaar?"


def test_a_slow_answer_does_not_block_another_users_answer(tmp_path, real_embedder):
    from gradio_client import Client
    from langchain_core.runnables import RunnableLambda

    release, started = threading.Event(), threading.Event()

    def held(_prompt):
        started.set()
        release.wait(timeout=120)
        return "De bbl-student volgt minimaal 610 uur beroepspraktijkvorming per jaar [1]."

    settings = fixture_settings(tmp_path, llm_gate=False)
    with serve(settings, real_embedder, chat_model_factory=lambda: RunnableLambda(held)) as (url, _):
        slow_user, other_user = Client(url, verbose=False), Client(url, verbose=False)
        job = slow_user.submit(QUESTION, None, None, None, "llm", "professional", api_name="/ask")
        assert started.wait(timeout=60), "the slow answer never reached the model"
        try:
            other = other_user.predict(QUESTION, api_name="/ask")  # extractive, while the other waits
            assert other["answered"] and "610" in other["answer"] and other["mode"] == "extractive"
            assert not job.done()  # answered while the slow answer was still being produced
        finally:
            release.set()
        slow = job.result(timeout=120)
        assert slow["mode"] == "llm" and "610" in slow["answer"]
