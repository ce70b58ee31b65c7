"""Handlers for the feedback widgets: the thumbs and the comment box under the chat (they rate the
last answer) and the chat's own like/dislike buttons (they rate the answer they sit under).

Each answer gets one row in the FeedbackStore; rating it again, or adding a comment, updates
that row. Handlers take (turns, comment) and return (turns, status text). Non-goals: storage
and scrubbing (feedback.py), the widgets (app.py).
"""

import gradio as gr

from assistant.web.ui import thanks

NO_ANSWER = "Er is nog geen antwoord om te beoordelen."


def save(store, summary: dict, turn: dict, rating: int | None, comment: str | None) -> None:
    """Store the rating of one turn (see chat.make_respond) and remember its row and rating."""
    turn["row"] = store.save(question=turn["question"], history=turn["history"], answer=turn["answer"],
                             rating=rating, comment=comment or "", audience=turn["audience"], settings=summary,
                             row_id=turn["row"])
    turn["rating"] = rating


def _rate_last(store, summary, turns, rating, comment):
    if not turns:
        return turns, NO_ANSWER
    save(store, summary, turns[-1], rating, comment)
    return turns, thanks(turns[-1]["audience"], bool(comment))


def make_rate(store, summary: dict, rating: int):
    """A thumb's handler: rates the last answer 1 (useful) or -1 (not useful)."""

    def rate(turns, comment):
        return _rate_last(store, summary, turns, rating, comment)

    return rate


def make_comment(store, summary: dict):
    """The comment button's handler: stores the comment with the last answer's rating so far."""

    def send_comment(turns, comment):
        return _rate_last(store, summary, turns, turns[-1]["rating"] if turns else None, comment)

    return send_comment


def make_like(store, summary: dict):
    """The chat's like/dislike handler: rates the answer at the clicked message (clearing the
    choice stores rating None)."""

    def like(turns, comment, data: gr.LikeData):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        t = next((t for t in turns or [] if t["msg"] == index), None)
        if t is None:
            return turns, gr.skip()
        rating = None if data.liked is None else (1 if data.liked is True or data.liked == "Like" else -1)
        save(store, summary, t, rating, comment)
        return turns, thanks(t["audience"], bool(comment))

    return like
