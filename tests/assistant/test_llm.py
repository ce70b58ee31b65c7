"""Chat-model backends and GGUF part joining: unit tests with fakes, slow tests with the real model."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant import gguf
from assistant.errors import ConfigError, ModelError
from assistant.gguf import PartSet, ensure_gguf, find_parts
from assistant.llm import LocalChatModel, _yes_share, build_chat_model, judge_yes_prob, yes_probability
from assistant.settings import Settings


def _fake_parts(root: Path, prefix: str, blobs: list[bytes]) -> None:
    """Installs packages <prefix>1..N the way the real part packages are laid out."""
    for i, blob in enumerate(blobs, 1):
        pkg = root / f"{prefix}{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(blob)


@pytest.fixture
def fake_model(tmp_path, monkeypatch):
    """A known model 'fake-q4' in three parts on sys.path; returns (name, joined bytes)."""
    blobs = [b"GGUF" + b"a" * 1000, b"b" * 1000, b"c" * 17]
    _fake_parts(tmp_path / "site", "mbo_fake_gguf_part", blobs)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    data = b"".join(blobs)
    parts = PartSet(package="mbo-fake-gguf-part", count=3, version="1.0", size=len(data),
                    sha256=hashlib.sha256(data).hexdigest())
    monkeypatch.setitem(gguf.KNOWN, "fake-q4", parts)
    return "fake-q4", data


@pytest.mark.unit
def test_missing_parts_error_names_each_package_and_pip_command():
    parts = PartSet(package="mbo-not-installed-part", count=3, version="0.1", size=1, sha256="0" * 64)
    with pytest.raises(ModelError) as e:
        find_parts(parts)
    msg = str(e.value)
    assert "mbo-not-installed-part1==0.1" in msg and "mbo-not-installed-part3==0.1" in msg
    assert "pip install mbo-not-installed-part1==0.1 mbo-not-installed-part2==0.1" in msg


@pytest.mark.unit
def test_one_missing_part_is_named_alone(tmp_path, monkeypatch):
    _fake_parts(tmp_path, "mbo_gap_part", [b"GGUF", b"x"])
    (tmp_path / "mbo_gap_part2" / "data" / "part02.bin").unlink()
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModelError, match=r"mbo-gap-part2==1\.0") as e:
        find_parts(PartSet(package="mbo-gap-part", count=2, version="1.0", size=5, sha256="0" * 64))
    assert "mbo-gap-part1==" not in str(e.value)


@pytest.mark.unit
def test_parts_are_joined_in_order_once(fake_model, tmp_path):
    name, data = fake_model
    path = ensure_gguf(name, tmp_path / "cache")
    assert path == tmp_path / "cache" / "fake-q4.gguf"
    assert path.read_bytes() == data
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["fake-q4.gguf"]  # no tmp file left
    mtime = path.stat().st_mtime_ns
    assert ensure_gguf(name, tmp_path / "cache") == path and path.stat().st_mtime_ns == mtime


@pytest.mark.unit
def test_checksum_mismatch_leaves_no_file(fake_model, tmp_path, monkeypatch):
    name, data = fake_model
    monkeypatch.setitem(gguf.KNOWN, name, PartSet("mbo-fake-gguf-part", 3, "1.0", len(data), "f" * 64))
    with pytest.raises(ModelError, match="expected f{64}"):
        ensure_gguf(name, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


@pytest.mark.unit
def test_joined_file_without_gguf_magic_is_rejected(tmp_path, monkeypatch):
    _fake_parts(tmp_path / "site", "mbo_bad_magic_part", [b"NOPE", b"1234"])
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setitem(gguf.KNOWN, "bad", PartSet("mbo-bad-magic-part", 2, "1.0", 8,
                                                   hashlib.sha256(b"NOPE1234").hexdigest()))
    with pytest.raises(ModelError, match="GGUF magic"):
        ensure_gguf("bad", tmp_path / "cache")


@pytest.mark.unit
def test_existing_gguf_path_is_returned_as_is(tmp_path):
    f = tmp_path / "my.gguf"
    f.write_bytes(b"GGUF" + b"\0" * 8)
    assert ensure_gguf(str(f), tmp_path / "cache") == f
    assert not (tmp_path / "cache").exists()
    f.write_bytes(b"PK\3\4")
    with pytest.raises(ModelError, match="not a GGUF file"):
        ensure_gguf(str(f), tmp_path / "cache")


@pytest.mark.unit
def test_unknown_model_name_lists_known_ones(tmp_path):
    with pytest.raises(ModelError, match="qwen2.5-coder-0.5b-instruct-q4") as e:
        ensure_gguf("llama-70b", tmp_path)
    assert "'llama-70b'" in str(e.value) and "MBO_LLM_MODEL" in str(e.value)


@pytest.mark.unit
def test_none_backend_says_how_to_set_it():
    with pytest.raises(ConfigError, match="MBO_LLM_BACKEND=local") as e:
        build_chat_model(Settings(llm_backend="none"))
    assert "'none'" in str(e.value)


@pytest.mark.unit
def test_openai_backend_gets_the_settings():
    pytest.importorskip("langchain_openai")
    s = Settings(llm_backend="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen-x", llm_timeout_s=7,
                 llm_max_tokens=99)
    m = build_chat_model(s)
    assert (m.model_name, m.openai_api_base, m.request_timeout, m.max_tokens, m.temperature, m.streaming) == \
        ("qwen-x", "http://127.0.0.1:9/v1", 7, 99, 0.0, True)
    with pytest.raises(ConfigError, match="MBO_LLM_BASE_URL"):
        build_chat_model(Settings(llm_backend="openai"))


@pytest.mark.unit
def test_ollama_backend_gets_the_settings():
    pytest.importorskip("langchain_ollama")
    m = build_chat_model(Settings(llm_backend="ollama", llm_model="qwen2.5:1.5b", llm_max_tokens=77))
    assert (m.model, m.num_predict, m.num_ctx, m.temperature) == ("qwen2.5:1.5b", 77, 4096, 0.0)


class FakeEngine:
    def __init__(self, pieces, yes=0.7):
        self.pieces, self.yes, self.seen, self.closed = pieces, yes, None, False

    def stream(self, messages, max_tokens):
        self.seen = (messages, max_tokens)
        try:
            yield from self.pieces
        finally:
            self.closed = True

    def yes_probability(self, prompt):
        self.prompt = prompt
        return self.yes


@pytest.mark.unit
def test_local_model_streams_engine_tokens_with_roles():
    eng = FakeEngine(["Het ", "is ", "610 ", "uur [1]."])
    chat = LocalChatModel.from_settings(Settings(llm_backend="local", llm_max_tokens=42), engine=eng)
    chunks = [c.content for c in chat.stream([SystemMessage("sys"), HumanMessage("vraag")]) if c.content]
    assert chunks == ["Het ", "is ", "610 ", "uur [1]."]
    assert eng.seen == ([{"role": "system", "content": "sys"}, {"role": "user", "content": "vraag"}], 42)
    assert chat.invoke("vraag").content == "Het is 610 uur [1]."


@pytest.mark.unit
def test_stop_sequence_split_over_tokens_is_cut_and_generation_closed():
    eng = FakeEngine(["Antwoord: ja", "\n\nVr", "aag: meer", " tekst"])
    chat = LocalChatModel.from_settings(Settings(llm_backend="local"), engine=eng)
    assert "".join(c.content for c in chat.stream("x", stop=["\n\nVraag:"])) == "Antwoord: ja"
    assert eng.closed


@pytest.mark.unit
def test_yes_probability_uses_the_engine_and_is_a_softmax_share():
    eng = FakeEngine([], yes=0.9)
    chat = LocalChatModel.from_settings(Settings(llm_backend="local"), engine=eng)
    assert yes_probability(chat, "Is it? yes or no") == 0.9 and eng.prompt == "Is it? yes or no"
    assert _yes_share(lambda words: [2.0] if words[0] == "yes" else [0.0]) == pytest.approx(
        math.exp(2) / (math.exp(2) + 1))
    with pytest.raises(ModelError, match="MBO_LLM_BACKEND=local"):
        yes_probability(object(), "x")


# --- the real local model (default llm_model / llm_engine from Settings) -----------------------

SOURCE = ("[1] Een voltijd bol-opleiding op niveau 4 heeft per studiejaar minimaal 610 uur begeleide "
          "onderwijstijd. Daarnaast lopen studenten stage (beroepspraktijkvorming).")
SYSTEM = ("Je beantwoordt vragen alleen met de genummerde bronnen. Zet achter elke bewering de bron, "
          "bijvoorbeeld [1]. Antwoord in het Nederlands. Staat het antwoord er niet in, zeg dan: "
          "Dat staat niet in de documenten.")


@pytest.fixture(scope="module")
def real_settings():
    return Settings(llm_backend="local", llm_max_tokens=60)


@pytest.mark.slow
@pytest.mark.integration
def test_real_model_streams_tokens(real_settings):
    chat = build_chat_model(real_settings)
    chunks = [c.content for c in chat.stream([HumanMessage("Zeg in één korte zin wat een mbo-opleiding is.")])]
    assert len([c for c in chunks if c]) >= 3
    assert len("".join(chunks).split()) >= 3


@pytest.mark.slow
@pytest.mark.integration
def test_real_model_answers_from_the_source(real_settings):
    chat = build_chat_model(real_settings)
    answer = chat.invoke([SystemMessage(SYSTEM), HumanMessage(
        f"Bronnen:\n{SOURCE}\n\nVraag: Hoeveel uur begeleide onderwijstijd heeft een bol-opleiding op niveau 4 "
        f"per studiejaar minimaal?")]).content
    assert "610" in answer


@pytest.mark.slow
@pytest.mark.integration
def test_judge_prefers_the_supported_claim(real_settings):
    passage = SOURCE[4:]
    good = judge_yes_prob(real_settings, "A full-time level 4 bol programme has at least 610 hours of "
                                         "supervised teaching per year.", passage)
    bad = judge_yes_prob(real_settings, "A full-time level 4 bol programme has at least 1000 hours of "
                                        "supervised teaching per year.", passage)
    assert 0.0 <= bad < good <= 1.0
    assert good - bad > 0.1, (good, bad)
