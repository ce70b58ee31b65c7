"""The `ask` API through gradio_client against the real assistant over the fixture corpus."""

import pytest

pytestmark = pytest.mark.integration

QUESTION = "Hoeveel uur beroepspraktijkvorming volgt een bbl-student per jaar?"


@pytest.fixture(scope="module")
def client(page_server):
    from gradio_client import Client

    url, _, _ = page_server
    return Client(url, verbose=False)


def test_ask_returns_the_json_contract(client):
    out = client.predict(QUESTION, api_name="/ask")
    assert out["answered"] is True
    assert "[1]" in out["answer"] and "610" in out["answer"]
    assert out["citations"] and out["citations"][0]["n"] == 1
    cite = out["citations"][0]
    assert cite["doc_id"] == "fixture-bbl" and cite["title"] == "Fixture: de bbl"
    assert "610 uur" in cite["quote"] and "610 uur" in cite["text"]
    assert set(out) >= {"question", "answer", "answered", "mode", "citations", "sentences", "notes", "timings_ms"}


def test_ask_with_history_filters_and_refusal(client):
    out = client.predict("Wat is de hoofdstad van Australië?", api_name="/ask")
    assert out["answered"] is False and out["citations"] == []
    assert "staat niet in de documenten" in out["answer"]
    # the filter reaches the retriever: unfiltered, another document is cited too; filtered, an
    # answer citing only the Werkagenda (at least one citation: `all` passes on none)
    question = "Hoeveel geld gaat er naar mbo 2?"
    free = client.predict(question, None, None, None, None, "student", api_name="/ask")
    assert {c["doc_id"] for c in free["citations"]} - {"fixture-werkagenda"}
    filtered = client.predict(question, None, ["fixture-werkagenda"], None, None, "student", api_name="/ask")
    assert filtered["answered"] is True and filtered["citations"]
    assert all(c["doc_id"] == "fixture-werkagenda" for c in filtered["citations"])
    only_werkagenda = client.predict(QUESTION, None, ["fixture-werkagenda"], None, None, "student", api_name="/ask")
    assert "610" not in only_werkagenda["answer"]  # the bbl document is filtered out
    follow = client.predict("En wie betaalt het loon?", [["user", QUESTION], ["assistant", "610 uur [1]"]],
                            api_name="/ask")
    # the history reaches the chain: the follow-up is made standalone with the earlier question
    assert "bbl-student" in follow["standalone_question"] and follow["question"] == "En wie betaalt het loon?"


def test_too_long_question_gets_a_dutch_message(client, page_server):
    from gradio_client.exceptions import AppError

    _, settings, _ = page_server
    with pytest.raises(AppError, match="het maximum is"):
        client.predict("x" * (settings.max_question_chars + 1), api_name="/ask")


def test_the_load_tests_plain_http_client_gets_the_same_answer(client, page_server):
    """benchmarks/load_test.py --client http: the REST queue API gives what gradio_client gives,
    and a server error is raised, not counted as an answer."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from load_test import HttpClient

    url, settings, _ = page_server
    http = HttpClient(url, None)
    plain = http.predict(QUESTION, api_name="/ask")
    assert plain["answer"] == client.predict(QUESTION, api_name="/ask")["answer"] and "610" in plain["answer"]
    with pytest.raises(RuntimeError, match="server error"):
        http.predict("x" * (settings.max_question_chars + 1), api_name="/ask")
