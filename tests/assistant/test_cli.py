"""`mbo-assistant ingest` and `retrieve` run in-process as a user runs them: settings from MBO_*
environment variables, the CLI's own (real) embedding model, the fixture corpus."""

import contextlib
import io
import json
import re

import pytest

from assistant.cli import main
from tests.conftest import FIXTURE_CORPUS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SUMMARY = re.compile(r"documents (\d+) \| chunks (\d+) \| embedded (\d+) \| skipped (\d+) \| "
                     r"removed (\d+) \| failed (\d+) \| excluded sentences (\d+) \| \d+\.\d s")
QUESTION = "Hoeveel uur beroepspraktijkvorming volgt een bbl-student per jaar?"


def _summary(out: str) -> dict[str, int]:
    lines = [line for line in out.splitlines() if SUMMARY.fullmatch(line)]
    assert len(lines) == 1, out
    names = ("documents", "chunks", "embedded", "skipped", "removed", "failed", "excluded")
    return dict(zip(names, map(int, SUMMARY.fullmatch(lines[0]).groups())))


@pytest.fixture(scope="module")
def first_ingest(tmp_path_factory):
    """(exit code, stdout) of the first `ingest` into a fresh data dir; the env stays set."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MBO_DATA_DIR", str(tmp_path_factory.mktemp("clidata")))
        mp.setenv("MBO_CORPUS_DIR", str(FIXTURE_CORPUS))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["ingest", "--quiet"])
        yield code, out.getvalue()


def test_ingest_prints_a_summary_and_a_second_run_embeds_nothing(first_ingest, capsys):
    code, out = first_ingest
    first = _summary(out)
    assert code == 0
    assert first["documents"] == 3 and first["chunks"] >= 3
    assert first["embedded"] == first["chunks"] and first["skipped"] == 0
    assert first["removed"] == 0 and first["failed"] == 0
    assert main(["ingest", "--quiet"]) == 0
    captured = capsys.readouterr()
    again = _summary(captured.out)
    assert again == {**first, "embedded": 0, "skipped": first["chunks"]}
    assert "FAILED" not in captured.err


def test_retrieve_json_contract_ranks_the_bbl_passage_first(first_ingest, capsys):
    assert main(["retrieve", QUESTION, "-k", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)  # stdout is exactly one JSON document
    assert set(out) == {"question", "hits", "timings_ms"}
    assert out["question"] == QUESTION
    hits = out["hits"]
    assert [h["rank"] for h in hits] == [1, 2, 3]
    for h in hits:
        assert set(h) == {"rank", "chunk_id", "doc_id", "title", "section", "page", "text", "score"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert len({h["chunk_id"] for h in hits}) == 3
    top = hits[0]
    assert "610 uur" in top["text"]
    assert (top["doc_id"], top["title"], top["page"]) == ("fixture-bbl", "Fixture: de bbl", None)
    assert out["timings_ms"]["total"] > 0


def test_ingest_of_a_bad_file_exits_1_and_names_it(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "derde.txt").write_text("Derde leerweg\n\nDe derde leerweg wordt niet door OCW bekostigd.\n",
                                      encoding="utf-8")
    (folder / "leeg.txt").write_bytes(b"")
    monkeypatch.setenv("MBO_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", "--quiet", str(folder)]) == 1
    captured = capsys.readouterr()
    summary = _summary(captured.out)
    assert (summary["documents"], summary["failed"]) == (1, 1) and summary["embedded"] == summary["chunks"] >= 1
    assert captured.err.startswith(f"FAILED {folder / 'leeg.txt'}: the file is empty")


@pytest.mark.unit
@pytest.mark.parametrize("command, module", [("eval", "evals"), ("serve", "app")])
def test_eval_and_serve_run_their_layer_in_a_child_process(monkeypatch, command, module):
    """assistant/ never imports evals/ or app.py: those subcommands are `python -m MODULE ARGS`."""
    import subprocess as sp
    import sys

    from assistant import cli

    calls = []
    monkeypatch.setattr(sp, "call", lambda cmd: calls.append(cmd) or 7)
    assert cli.main([command, "x.jsonl", "--flag"]) == 7  # the child's exit code is ours
    assert calls == [[sys.executable, "-m", module, "x.jsonl", "--flag"]]


@pytest.mark.integration
def test_eval_through_mbo_assistant_names_a_missing_question_file(tmp_path, capfd):
    from assistant.cli import main

    missing = tmp_path / "missing.jsonl"
    assert main(["eval", str(missing), "--no-score"]) == 2
    assert str(missing) in capfd.readouterr().err
