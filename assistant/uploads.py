"""Adding documents from the page: copy each uploaded file into <data_dir>/uploads/ and ingest
it into the running assistant's index, one file at a time, reporting per file.

The index object is the one the retriever uses, so a new document is searchable at once
(ingest refreshes the lexical index and fills the sentence-vector cache). Non-goals: who may
upload (access.py), the widgets (app.py), deleting documents.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import MboError
from ingest.load import SUPPORTED

Progress = Callable[[float, str], None]  # (fraction done 0..1, description)


@dataclass(frozen=True)
class FileResult:
    name: str
    ok: bool
    message: str  # Dutch, for the page
    doc_id: str = ""


class _Bar:
    """The tqdm-like object ingest() reports embedding progress to, mapped onto one file's
    share of the overall progress."""

    def __init__(self, report: Progress, lo: float, hi: float, label: str):
        self.report, self.lo, self.hi, self.label = report, lo, hi, label
        self.total, self.n, self.desc = 0, 0, "inbedden"

    def reset(self, total=0):
        self.total, self.n = total or 0, 0

    def set_description(self, desc):
        self.desc = {"sentences": "zinnen inbedden"}.get(desc, desc)

    def update(self, n=1):
        self.n += n
        frac = self.n / self.total if self.total else 1.0
        self.report(self.lo + (self.hi - self.lo) * min(frac, 1.0), f"{self.label}: {self.desc}")


def add_documents(paths: Sequence[str | Path], settings, index, progress: Progress | None = None) -> list[FileResult]:
    from ingest.pipeline import ingest

    report = progress or (lambda frac, desc: None)
    target = Path(settings.data_dir) / "uploads"
    target.mkdir(parents=True, exist_ok=True)
    results: list[FileResult] = []
    total = len(paths)
    for i, src in enumerate(paths):
        src = Path(src)
        name = src.name
        label = f"bestand {i + 1} van {total} ({name})"
        report(i / total, label)
        if src.suffix.lower() not in SUPPORTED:
            results.append(FileResult(name, False, f"bestandstype {src.suffix or '(geen)'} wordt niet "
                                                   f"ondersteund; gebruik PDF, HTML, TXT of MD"))
            continue
        dest = target / name
        try:
            shutil.copyfile(src, dest)
            rep = ingest([dest], settings, index, bar=_Bar(report, i / total, (i + 1) / total, label),
                         wait=True)
        except (MboError, OSError) as exc:
            results.append(FileResult(name, False, f"niet toegevoegd: {exc}"))
            continue
        if rep.failed:
            dest.unlink(missing_ok=True)
            results.append(FileResult(name, False, "niet toegevoegd: " + "; ".join(f.reason for f in rep.failed)))
        else:
            doc_id = _doc_id(index, dest)
            results.append(FileResult(name, True, f"toegevoegd ({rep.chunks} passages, {rep.embedded} nieuw "
                                                  f"ingebed)", doc_id))
    report(1.0, "klaar")
    return results


def _doc_id(index, path: Path) -> str:
    for doc_id, info in index.documents().items():
        if info.get("path") == str(path):
            return doc_id
    return ""
