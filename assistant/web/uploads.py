"""Adding documents from the page: copy each uploaded file into <data_dir>/uploads/ and ingest
it into the running assistant's index, one file at a time, reporting per file.

The index object is the one the retriever uses, so a new document is searchable at once
(ingest refreshes the lexical index and fills the sentence-vector cache). Refused per file,
before anything is copied: an unsupported type, a file over settings.max_upload_mb, a name
that would land outside uploads/, and a name (or doc_id) already taken by a different file,
so an upload never silently replaces a document. The same file again is fine (idempotent).
Non-goals: who may upload (access.py), the widgets (app.py), deleting or replacing documents.
"""

from __future__ import annotations

import filecmp
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import MboError
from ingest.load import SUPPORTED, slug

MB = 1024 * 1024  # the unit of settings.max_upload_mb (Gradio's "mb" is the same)
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]")
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
        refusal = _check(src, name, target, settings, index)
        if refusal:
            results.append(FileResult(name, False, refusal))
            continue
        dest = target / safe_name(name)
        existed = dest.exists()
        try:
            if not existed:
                shutil.copyfile(src, dest)
            rep = ingest([dest], settings, index, bar=_Bar(report, i / total, (i + 1) / total, label),
                         wait=True)
        except (MboError, OSError) as exc:
            if not existed:
                dest.unlink(missing_ok=True)
            results.append(FileResult(name, False, f"niet toegevoegd: {exc}"))
            continue
        if rep.failed:
            if not existed:
                dest.unlink(missing_ok=True)
            results.append(FileResult(name, False, "niet toegevoegd: " + "; ".join(dutch_reason(f.reason)
                                                                                   for f in rep.failed)))
        else:
            doc_id = _doc_id(index, dest)
            renamed = f"; opgeslagen als {dest.name}" if dest.name != name else ""
            left_out = "".join(f"; weggelaten: \u201c{ex.sentence}\u201d ({ex.reason})" for ex in rep.excluded)
            results.append(FileResult(name, True, f"toegevoegd ({rep.chunks} passages, {rep.embedded} nieuw "
                                                  f"ingebed{renamed}){left_out}", doc_id))
    report(1.0, "klaar")
    return results


# the loader's (English, CLI-facing) reasons, in Dutch for the page; an unknown one is kept as is
_REASONS_NL = (
    (r"file is (\d+) MB, over the (\d+) MB limit", r"het bestand is \1 MB, meer dan de limiet van \2 MB; splits het"),
    (r"cannot read the file", "het bestand kan niet worden gelezen; controleer of het er is en leesbaar is"),
    (r"the file is empty", "het bestand is leeg"),
    (r"unsupported file type ('[^']*'|\(none\))", r"bestandstype \1 wordt niet ondersteund; gebruik PDF, HTML, TXT of MD"),
    (r"no text could be extracted \(a scanned PDF", "er staat geen leesbare tekst in; een gescande PDF heeft eerst "
                                                    "tekstherkenning (OCR) nodig"),
    (r"no text could be extracted", "er staat geen tekst in (alleen opmaak, scripts of witruimte)"),
    (r"the file (is|looks) binary", "het bestand is binair, geen tekst; sla het op als PDF of als UTF-8-tekst"),
    (r"neither UTF-8 nor Windows-1252", "de tekst is geen UTF-8 of Windows-1252; sla het bestand op als UTF-8"),
    (r"encrypted with a password", "de PDF is met een wachtwoord beveiligd; sla een kopie zonder beveiliging op"),
    (r"the PDF cannot be read", "de PDF is beschadigd of onleesbaar; exporteer of herstel hem opnieuw"),
    (r"the PDF has no pages", "de PDF heeft geen pagina's"),
    (r"nested too deeply", "de HTML is te diep genest om te lezen; vereenvoudig de pagina"),
)


def dutch_reason(reason: str) -> str:
    """A loader failure reason in Dutch (the English original stays in the CLI and logs)."""
    for pattern, dutch in _REASONS_NL:
        m = re.search(pattern, reason)
        if m:
            return m.expand(dutch)
    return reason


def safe_name(name: str) -> str:
    """The name an upload is stored under: the base name (after / or \\), characters outside
    [A-Za-z0-9._ -] replaced by '_', without leading dots or spaces; "" when nothing is left."""
    base = re.split(r"[\\/]", name)[-1]
    return _UNSAFE.sub("_", base).strip().lstrip(". ")


def _check(src: Path, name: str, target: Path, settings, index) -> str:
    """Why `src` may not be added (a Dutch message naming the file), or "" when it may."""
    stored = safe_name(name)
    suffix = Path(stored).suffix.lower() if stored else src.suffix.lower()
    if suffix not in SUPPORTED:
        return f"bestandstype {suffix or '(geen)'} wordt niet ondersteund; gebruik PDF, HTML, TXT of MD"
    try:
        size = src.stat().st_size
    except OSError as exc:
        return f"niet toegevoegd: {name} is niet te lezen ({exc.strerror})"
    limit = float(settings.max_upload_mb)
    if size > limit * MB:
        return (f"{name} is {size / MB:.1f} MB, groter dan de grens van {limit:g} MB; splits het document "
                f"of laat de beheerder MBO_MAX_UPLOAD_MB verhogen")
    dest = (target / stored).resolve() if stored else None
    if dest is None or not Path(stored).stem or dest.parent != target.resolve():
        return f"de bestandsnaam {name!r} is niet bruikbaar; geef het bestand een gewone naam (bijv. notitie.pdf)"
    if dest.exists() and not (dest.is_file() and filecmp.cmp(src, dest, shallow=False)):
        return (f"er staat al een ander bestand {stored!r} bij de documenten; geef het nieuwe bestand een "
                f"andere naam (vervangen of verwijderen kan alleen de beheerder van de server)")
    doc_id = slug(Path(stored).stem)
    taken = index.documents().get(doc_id)
    if taken and _source(taken) != dest:
        return (f"de documentnaam {doc_id!r} is al in gebruik door {Path(taken.get('path') or '?').name!r}; "
                f"geef het nieuwe bestand een andere naam")
    return ""


def _source(info: dict) -> Path:
    """The file an indexed document came from (index.documents() keeps root and path apart)."""
    path = Path(info.get("path") or "")
    return (Path(info["root"]) / path if info.get("root") else path).resolve()


def _doc_id(index, path: Path) -> str:
    for doc_id, info in index.documents().items():
        if info.get("path") == str(path):
            return doc_id
    return ""
