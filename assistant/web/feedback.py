"""Feedback on answers: stored in SQLite (scrubbed first) and exported as CSV or a JSONL draft
question set for evals/questions.py.

One row per rated answer: question, history, answer text, citations (JSON), mode, audience,
rating (+1 / -1 / None), comment, settings summary, time. Everything a user typed (question,
history, comment) and the answer is passed through scrub.scrub first. Non-goals: the page
(app.py), analysing the feedback.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path

from ingest.errors import InputError, StoreError
from assistant.web.scrub import scrub, scrub_obj

_SCHEMA = """CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    history TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered INTEGER NOT NULL,
    citations TEXT NOT NULL,
    mode TEXT NOT NULL,
    audience TEXT NOT NULL,
    rating INTEGER,
    comment TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL
)"""
COLUMNS = ("id", "created", "question", "history", "answer", "answered", "citations", "mode",
           "audience", "rating", "comment", "settings")
_SETTINGS_KEYS = ("answer_mode", "retrieve_k", "answer_threshold", "embed_model", "chunk_size",
                  "llm_backend", "llm_model")


def settings_summary(settings) -> dict:
    """The settings that shaped an answer (no paths, no secrets)."""
    return {k: getattr(settings, k) for k in _SETTINGS_KEYS if hasattr(settings, k)}


class FeedbackStore:
    """Thread-safe; the file and table are created on first write."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path), timeout=30)
            db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"feedback database {self.path}: {exc}; set MBO_FEEDBACK_DB to a writable "
                             "file") from exc
        return db

    def save(self, *, question: str, history, answer: dict, rating: int | None, comment: str = "",
             audience: str = "professional", settings: dict | None = None, row_id: int | None = None) -> int:
        """Insert a row (or update row_id's rating and comment); returns the row id.

        answer: compose.as_dict(Answer). rating: 1 (thumbs up), -1 (thumbs down) or None.
        """
        if rating not in (1, -1, None):
            raise InputError(f"rating {rating!r} is not known; use 1, -1 or None")
        comment = scrub((comment or "").strip())[:4000]
        with self._lock:
            db = self._connect()
            try:
                if row_id is not None:
                    cur = db.execute("UPDATE feedback SET rating = ?, comment = ? WHERE id = ?",
                                     (rating, comment, row_id))
                    if cur.rowcount:
                        db.commit()
                        return row_id
                cites = [{k: c.get(k) for k in ("n", "doc_id", "title", "section", "page", "quote")}
                         for c in answer.get("citations", [])]
                cur = db.execute(
                    "INSERT INTO feedback (created, question, history, answer, answered, citations, mode, "
                    "audience, rating, comment, settings) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), scrub(question),
                     json.dumps(scrub_obj([list(t) for t in history or ()]), ensure_ascii=False),
                     scrub(answer.get("answer", "")), int(bool(answer.get("answered"))),
                     json.dumps(scrub_obj(cites), ensure_ascii=False), answer.get("mode", ""), audience,
                     rating, comment, json.dumps(settings or {}, ensure_ascii=False, default=str)))
                db.commit()
                return int(cur.lastrowid)
            finally:
                db.close()

    def rows(self) -> list[dict]:
        if not self.path.exists():
            return []
        with self._lock:
            db = self._connect()
            try:
                db.row_factory = sqlite3.Row
                return [dict(r) for r in db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id")]
            finally:
                db.close()


def export_csv(rows: list[dict], path: Path) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def draft_question(row: dict) -> dict:
    """A question-set entry (evals/questions.py schema) for one feedback row, to be completed
    by a person: "answerable" is a guess (False only for a refusal rated thumbs up)."""
    rating = {1: "thumbs-up", -1: "thumbs-down"}.get(row["rating"], "no-rating")
    tags = ["feedback", rating] + ([] if row["answered"] else ["refused"])
    return {"id": f"feedback-{row['id']}", "question": row["question"],
            "history": [list(t) for t in json.loads(row["history"] or "[]")],
            "answerable": not (row["rating"] == 1 and not row["answered"]),
            "audience": "student" if row["audience"] == "student" else "caseworker", "tags": tags}


def export_jsonl(rows: list[dict], path: Path) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(draft_question(row), ensure_ascii=False) + "\n")
    return len(rows)
