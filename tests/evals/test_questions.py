"""Question sets: validation errors name line and field; the dev set is well-formed and its
quotes occur in the cleaned corpus."""

import json
import re
from pathlib import Path

import pytest

from ingest.errors import InputError
from evals.questions import load_questions
from ingest.clean import clean
from ingest.load import load
from ingest.manifest import read_manifest

REPO = Path(__file__).resolve().parents[2]
DEV = REPO / "evals" / "questions" / "dev.jsonl"


@pytest.mark.unit
@pytest.mark.parametrize("line,match", [
    ('{"question": "x", "answerable": true}', "'id'"),
    ('{"id": "a", "question": "x"}', "answerable"),
    ('{"id": "a", "question": "x", "answerable": true, "facts": ["2700"]}', "facts"),
    ('{"id": "a", "question": "x", "answerable": false, "audience": "boss"}', "audience"),
    ('{"id": "a", "question": "x", "answerable": false, "colour": 1}', "unknown"),
    ("not json", "not valid JSON"),
])
def test_validation_names_line_and_field(tmp_path, line, match):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "ok", "question": "Wat?", "answerable": false}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=match) as err:
        load_questions(f)
    assert "q.jsonl:2" in str(err.value)


@pytest.mark.unit
def test_no_score_needs_only_id_and_question(tmp_path):
    f = tmp_path / "held.jsonl"
    f.write_text('{"id": "h1", "question": "Wat is de bbl?"}\n', encoding="utf-8")
    assert load_questions(f, score=False)[0]["id"] == "h1"
    with pytest.raises(InputError):
        load_questions(f, score=True)


@pytest.mark.unit
def test_dev_set_shape():
    qs = load_questions(DEV)
    assert len(qs) >= 100
    assert sum(not q["answerable"] for q in qs) >= 15
    assert sum(bool(q.get("history")) for q in qs) >= 10
    assert sum("english" in q.get("tags", []) for q in qs) >= 5
    assert {q.get("doc_id") for q in qs if q["answerable"]} >= set(
        m.doc_id for m in read_manifest(REPO / "corpus").values())


@pytest.mark.integration
def test_every_quote_occurs_in_the_cleaned_corpus():
    manifest = read_manifest(REPO / "corpus")
    texts = {m.doc_id: re.sub(r"\s+", " ", clean(load(REPO / "corpus" / f, m)).text) for f, m in manifest.items()}
    missing = []
    for q in load_questions(DEV):
        if q.get("quote"):
            quote = re.sub(r"\s+", " ", q["quote"]).strip()
            if quote not in texts[q["doc_id"]]:
                missing.append((q["id"], quote))
    assert not missing, missing
