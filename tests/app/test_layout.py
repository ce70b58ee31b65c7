"""The page's wiring without a server: every event keeps its api_name, trigger and visibility,
`ask` is the only public endpoint, and each event reaches the handler meant for it."""

from types import SimpleNamespace

import pytest

import app
from assistant.web import chat
from assistant.web.feedback import FeedbackStore
from ingest.settings import Settings

pytestmark = pytest.mark.unit

# (api_name, trigger events) in the order the events are registered; all private except ask
EVENTS = [("respond", ["submit", "click"]),
          ("lambda", ["click"]), ("respond_1", ["then"]), ("lambda_1", ["click"]), ("respond_2", ["then"]),
          ("lambda_2", ["click"]), ("respond_3", ["then"]), ("lambda_3", ["click"]), ("respond_4", ["then"]),
          ("switch_audience", ["change"]), ("lambda_4", ["click"]), ("lambda_5", ["clear"]),
          ("lambda_6", ["click"]), ("lambda_7", ["click"]), ("lambda_8", ["click"]), ("like", ["like"]),
          ("upload", ["click"]), ("init", ["load"]), ("ask", [])]


@pytest.fixture
def demo(tmp_path):
    return app.build_app(Settings(data_dir=tmp_path, feedback_db=tmp_path / "feedback.sqlite"),
                         SimpleNamespace(llm_available=False))


def event(demo, api_name):
    [fn] = [f for f in demo.fns.values() if f.api_name == api_name]
    return fn


def test_every_event_keeps_its_api_name_trigger_and_visibility(demo):
    assert [(f.api_name, [t[1] for t in f.targets]) for f in demo.fns.values()] == EVENTS
    assert {f.api_name: f.api_visibility for f in demo.fns.values()} == {
        name: "public" if name == "ask" else "private" for name, _ in EVENTS}


def test_ask_is_the_one_public_endpoint_with_its_parameters(demo):
    info = demo.get_api_info()["named_endpoints"]
    assert list(info) == ["/ask"]
    assert [p["parameter_name"] for p in info["/ask"]["parameters"]] == [
        "question", "history", "doc_ids", "doc_types", "mode", "audience"]
    assert event(demo, "ask").concurrency_id == event(demo, "respond").concurrency_id == "answer"


def test_the_small_events_reach_their_handlers_with_matching_outputs(demo):
    for name in ("lambda", "lambda_1", "lambda_2", "lambda_3"):
        assert event(demo, name).fn is chat.show_example and not event(demo, name).queue
    for name, handler in (("lambda_4", chat.new_conversation), ("lambda_5", chat.clear_chat)):
        fn = event(demo, name)
        assert fn.fn is handler and len(fn.fn()) == len(fn.outputs)
    audience = event(demo, "switch_audience")
    assert audience.fn is chat.switch_audience and len(audience.fn("student")) == len(audience.outputs)


def test_the_thumbs_and_comment_buttons_store_their_rating(demo, tmp_path):
    turn = {"turn": 1, "msg": 1, "question": "Vraag?", "history": [], "audience": "professional", "row": None,
            "rating": None, "answer": {"answer": "Antwoord.", "answered": True, "mode": "extractive"}}
    turns = [turn]
    ratings = []
    for name, comment in (("lambda_6", ""), ("lambda_7", ""), ("lambda_8", "Toelichting")):
        event(demo, name).fn(turns, comment)
        [row] = FeedbackStore(tmp_path / "feedback.sqlite").rows()
        ratings.append((row["rating"], row["comment"]))
    assert ratings == [(1, ""), (-1, ""), (-1, "Toelichting")]
