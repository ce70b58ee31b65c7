"""The feedback handlers without a page: thumbs and comment rate the last answer, the chat's
like buttons the answer they sit under; one row per answer in a real FeedbackStore."""

import gradio as gr
import pytest

from assistant.web.feedback import FeedbackStore
from assistant.web.ratings import NO_ANSWER, make_comment, make_like, make_rate

pytestmark = pytest.mark.unit

SUMMARY = {"answer_mode": "extractive", "chunk_size": 200}


def turn(n: int, audience: str = "professional") -> dict:
    """A turn as chat.make_respond records it (the chat message of answer n is at 2n - 1)."""
    return {"turn": n, "msg": 2 * n - 1, "question": f"Vraag {n}?", "history": [],
            "answer": {"answer": f"Antwoord {n}. [1]", "answered": True, "mode": "extractive", "citations": []},
            "audience": audience, "row": None, "rating": None}


@pytest.fixture
def store(tmp_path):
    return FeedbackStore(tmp_path / "feedback.sqlite")


def like_data(index, liked):
    return gr.LikeData(None, {"index": index, "value": "", "liked": liked})


def test_thumbs_rate_the_last_answer_and_a_second_click_updates_its_row(store):
    turns = [turn(1), turn(2, "student")]
    out, status = make_rate(store, SUMMARY, 1)(turns, "")
    assert out is turns and status == "Bedankt! Je feedback is opgeslagen."
    assert turns[1]["rating"] == 1 and turns[0]["row"] is None
    make_rate(store, SUMMARY, -1)(turns, "Mist de bol")
    [row] = store.rows()
    assert (row["question"], row["rating"], row["comment"]) == ("Vraag 2?", -1, "Mist de bol")
    assert row["audience"] == "student"
    assert turns[1]["rating"] == -1 and turns[1]["row"] == row["id"]


def test_a_comment_keeps_the_rating_given_before(store):
    turns = [turn(1)]
    make_rate(store, SUMMARY, -1)(turns, "")
    _, status = make_comment(store, SUMMARY)(turns, "Graag korter")
    assert status == "Bedankt! Uw feedback is opgeslagen. (met toelichting)"
    [row] = store.rows()
    assert (row["rating"], row["comment"]) == (-1, "Graag korter")
    assert make_comment(store, SUMMARY)([turn(1)], "zonder duim")[0][0]["rating"] is None  # no rating yet


def test_nothing_to_rate_before_the_first_answer(store):
    for handler in (make_rate(store, SUMMARY, 1), make_comment(store, SUMMARY)):
        assert handler([], "x") == ([], NO_ANSWER)
        assert handler(None, "x") == (None, NO_ANSWER)
    assert store.rows() == []


@pytest.mark.parametrize("liked, rating", [(True, 1), ("Like", 1), (False, -1), ("Dislike", -1), (None, None)])
def test_a_like_rates_the_answer_it_sits_under(store, liked, rating):
    turns = [turn(1), turn(2)]
    out, status = make_like(store, SUMMARY)(turns, "", like_data([1, 1], liked))
    assert out is turns and status.startswith("Bedankt!")
    assert turns[0]["rating"] == rating and turns[1]["row"] is None
    [row] = store.rows()
    assert (row["question"], row["rating"]) == ("Vraag 1?", rating)


def test_a_like_on_a_question_changes_nothing(store):
    turns = [turn(1)]
    out, status = make_like(store, SUMMARY)(turns, "", like_data(0, True))  # message 0: the user's question
    assert out is turns and isinstance(status, type(gr.skip())) and store.rows() == []
