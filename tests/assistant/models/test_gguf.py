"""Joining the GGUF parts shipped in PyPI packages (fakes laid out like the real packages)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ingest.errors import ModelError
from assistant.models import gguf
from assistant.models.gguf import PartSet, ensure_gguf, find_parts


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
