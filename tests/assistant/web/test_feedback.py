"""Feedback: stored scrubbed in SQLite, exported as CSV and a loadable JSONL draft question set."""

import csv
import json

import pytest

from assistant.cli import main as cli_main
from ingest.errors import InputError
from assistant.web.feedback import FeedbackStore, export_csv, export_jsonl, settings_summary
from ingest.settings import Settings
from evals.questions import load_questions

pytestmark = pytest.mark.unit

ANSWER = {"question": "q", "answer": "De bbl-student volgt minimaal 610 uur beroepspraktijkvorming. [1]",
          "answered": True, "mode": "extractive",
          "citations": [{"n": 1, "doc_id": "fixture-bbl", "title": "Fixture: de bbl", "section": "", "page": None,
                         "quote": "De bbl-student volgt minimaal 610 uur", "text": "lange passage", "date": ""}]}
REFUSAL = {"question": "q2", "answer": "Dat staat niet in de documenten.", "answered": False, "mode": "extractive",
           "citations": []}


def test_store_scrubs_and_roundtrips(tmp_path):
    store = FeedbackStore(tmp_path / "fb" / "feedback.sqlite")
    assert store.rows() == []
    row = store.save(question="Mijn BSN is 123456782; hoeveel uur bpv?", history=[("user", "mail jan@x.nl")],
                     answer=ANSWER, rating=-1, comment="bel 06-12345678", audience="student",
                     settings=settings_summary(Settings(data_dir=tmp_path)))
    [r] = store.rows()
    assert r["id"] == row and r["rating"] == -1 and r["audience"] == "student" and r["mode"] == "extractive"
    assert r["question"] == "Mijn BSN is [BSN]; hoeveel uur bpv?"
    assert json.loads(r["history"]) == [["user", "mail [E-MAIL]"]]
    assert r["comment"] == "bel [TELEFOON]"
    cites = json.loads(r["citations"])
    assert cites[0]["doc_id"] == "fixture-bbl" and cites[0]["quote"].startswith("De bbl-student")
    assert json.loads(r["settings"])["answer_mode"] == "extractive"
    assert r["created"].endswith("+00:00")
    # a second click on the same answer updates the row instead of adding one
    assert store.save(question="x", history=[], answer=ANSWER, rating=1, comment="toch goed", row_id=row) == row
    [r] = store.rows()
    assert (r["rating"], r["comment"]) == (1, "toch goed")


def test_bad_rating_is_refused(tmp_path):
    with pytest.raises(InputError, match="rating 5"):
        FeedbackStore(tmp_path / "f.sqlite").save(question="q", history=[], answer=ANSWER, rating=5)


def test_export_csv_and_jsonl_loadable(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    store.save(question="Hoeveel uur bpv?", history=[], answer=ANSWER, rating=-1)
    store.save(question="Wat kost een fiets?", history=[("user", "hoi"), ("assistant", "hallo")], answer=REFUSAL,
               rating=1)
    store.save(question="Wie betaalt het loon?", history=[], answer=ANSWER, rating=None, comment="geen mening")
    rows = store.rows()
    assert export_csv(rows, tmp_path / "out" / "f.csv") == 3
    with open(tmp_path / "out" / "f.csv", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [t["question"] for t in table] == ["Hoeveel uur bpv?", "Wat kost een fiets?", "Wie betaalt het loon?"]
    assert export_jsonl(rows, tmp_path / "f.jsonl") == 3
    questions = load_questions(tmp_path / "f.jsonl", score=False)
    assert [q["id"] for q in questions] == [f"feedback-{r['id']}" for r in rows]
    assert questions[0]["tags"] == ["feedback", "thumbs-down"] and questions[0]["answerable"] is True
    assert questions[1]["tags"] == ["feedback", "thumbs-up", "refused"] and questions[1]["answerable"] is False
    assert questions[1]["history"] == [["user", "hoi"], ["assistant", "hallo"]]
    assert questions[2]["tags"] == ["feedback", "no-rating"]
    # the schema check of scored sets accepts the keys too (facts are for a person to add)
    assert set(questions[0]) <= {"id", "question", "history", "answerable", "audience", "tags"}


def test_cli_feedback_export(tmp_path, monkeypatch, capsys):
    db = tmp_path / "fb.sqlite"
    FeedbackStore(db).save(question="Hoeveel uur bpv?", history=[], answer=ANSWER, rating=-1)
    monkeypatch.setenv("MBO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MBO_FEEDBACK_DB", str(db))
    assert cli_main(["feedback", "export", "--csv", str(tmp_path / "a.csv"), "--jsonl", str(tmp_path / "a.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "1 rows" in out and "1 draft questions" in out
    assert load_questions(tmp_path / "a.jsonl", score=False)[0]["question"] == "Hoeveel uur bpv?"
    monkeypatch.chdir(tmp_path)  # without options: both files, under out/
    assert cli_main(["feedback", "export"]) == 0
    out = capsys.readouterr().out
    assert "1 rows -> out/feedback.csv" in out and "1 draft questions -> out/feedback-questions.jsonl" in out
    assert "Hoeveel uur bpv?" in (tmp_path / "out" / "feedback.csv").read_text(encoding="utf-8")
    assert load_questions(tmp_path / "out" / "feedback-questions.jsonl", score=False)[0]["question"] == "Hoeveel uur bpv?"
