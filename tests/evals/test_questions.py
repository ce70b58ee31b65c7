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
TRAIN, TEST = REPO / "evals" / "questions" / "train.jsonl", REPO / "evals" / "questions" / "test.jsonl"
# the frozen test split (python -m evals.split, 2026-12-01): a change to it fails here on purpose
TEST_SHA256 = "158f198527de50e217ef15020799bd5581173a1847cc19aca09147008edbe8b4"


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


@pytest.mark.unit
def test_the_test_split_is_frozen_and_apart_from_train():
    import hashlib

    assert hashlib.sha256(TEST.read_bytes()).hexdigest() == TEST_SHA256
    test, train = load_questions(TEST), load_questions(TRAIN)
    assert len(test) >= 120 and sum(not q["answerable"] for q in test) >= 0.15 * len(test)
    assert not {q["id"] for q in test} & {q["id"] for q in train}
    assert not {q["question"] for q in test} & {q["question"] for q in train}
    kinds = ("two-asks", "comparison", "list", "procedure", "followup", "student-phrasing", "english")
    assert all(sum(k in q.get("tags", []) for q in test) >= 10 for k in kinds)


@pytest.mark.unit
def test_split_is_deterministic_stratified_and_never_overwrites_test(tmp_path):
    from evals.split import main, split

    pool = [{"id": f"p-{i}", "question": f"Vraag {i}?", "answerable": i % 4 != 0, "quote": "x",
             "tags": ["english" if i % 2 else "list"]} for i in range(40)]
    test, train = split([pool])
    assert (test, train) == split([list(reversed(pool))])
    assert len(test) == len(train) == 20
    assert sum(not q["answerable"] for q in test) == sum(not q["answerable"] for q in train) == 5
    (tmp_path / "pool.jsonl").write_text("\n".join(json.dumps(q) for q in pool), encoding="utf-8")
    assert main([str(tmp_path / "pool.jsonl"), "--out", str(tmp_path)]) == 0
    assert main([str(tmp_path / "pool.jsonl"), "--out", str(tmp_path)]) == 2  # test.jsonl exists: frozen


@pytest.mark.integration
@pytest.mark.parametrize("path", [DEV, TRAIN, TEST], ids=lambda p: p.stem)
def test_every_quote_and_fact_occurs_in_the_cleaned_corpus(path):
    manifest = read_manifest(REPO / "corpus")
    texts = {m.doc_id: re.sub(r"\s+", " ", clean(load(REPO / "corpus" / f, m)).text) for f, m in manifest.items()}
    missing = []
    if path != DEV:  # the new sets also promise facts that an answer quoting the document can contain
        for q in load_questions(path):
            missing += [(q["id"], alts) for alts in q.get("facts", [])
                        if q["answerable"] and not any(a.lower() in texts[q["doc_id"]].lower() for a in alts)]
    for q in load_questions(path):
        if q.get("quote"):
            quote = re.sub(r"\s+", " ", q["quote"]).strip()
            if quote not in texts[q["doc_id"]]:
                missing.append((q["id"], quote))
    assert not missing, missing
