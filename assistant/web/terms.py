"""Term definitions for the page (bbl, bol, derde leerweg, startkwalificatie, entreeopleiding),
each quoted verbatim from a corpus document and cited.

The terms live in assistant/web/data/terms.txt (term | doc_id | definition); `locate` looks up
the document title, section and page in the index (falling back to the corpus manifest) so
the page can cite them. Non-goals: finding definitions automatically; terms not in the file.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.errors import ConfigError

TERMS_FILE = Path(__file__).parent / "data" / "terms.txt"


@dataclass(frozen=True)
class Term:
    term: str
    doc_id: str
    definition: str
    title: str = ""
    section: str = ""
    page: int | None = None

    @property
    def anchor(self) -> str:
        return "begrip-" + re.sub(r"\W+", "-", self.term.lower()).strip("-")

    @property
    def cite(self) -> str:
        where = " > ".join(p for p in (self.title or self.doc_id, self.section) if p)
        return where + (f", p. {self.page}" if self.page else "")


def load_terms(path: Path = TERMS_FILE) -> tuple[Term, ...]:
    terms = []
    for no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) != 3 or not all(parts):
            raise ConfigError(f"{path}:{no}: expected 'term | doc_id | definition', got {line!r}")
        terms.append(Term(*parts))
    return tuple(terms)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def locate(terms: tuple[Term, ...], index=None, manifest_dir: Path | None = None) -> tuple[Term, ...]:
    """Fill in title/section/page: from the index chunk holding the definition when the
    document is indexed, else the title from manifest_dir/manifest.json (if any)."""
    titles: dict[str, str] = {}
    if manifest_dir is not None:
        try:
            from ingest.manifest import read_manifest

            titles = {m.doc_id: m.title for m in read_manifest(Path(manifest_dir)).values()}
        except Exception:  # noqa: BLE001 - a broken manifest must not break the page
            titles = {}
    out = []
    for t in terms:
        found = None
        if index is not None:
            try:
                res = index._get(where={"doc_id": t.doc_id}, include=["documents", "metadatas"])
            except Exception:  # noqa: BLE001 - no index yet: cite by title only
                res = {"documents": [], "metadatas": []}
            first = norm(t.definition).split(". ")[0]
            for text, md in zip(res["documents"], res["metadatas"]):
                if first in norm(text):
                    found = md
                    break
        if found:
            page = int(found.get("page", -1))
            out.append(replace(t, title=found.get("title", ""), section=found.get("section", ""),
                               page=page if page >= 0 else None))
        else:
            out.append(replace(t, title=titles.get(t.doc_id, t.title)))
    return tuple(out)


def _pattern(terms: tuple[Term, ...]) -> re.Pattern | None:
    if not terms:
        return None
    alts = sorted((re.escape(t.term) for t in terms), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(alts) + r")(?![\w])", re.I)


def wrap_terms(escaped: str, terms: tuple[Term, ...]) -> str:
    """HTML-escaped text with each known term wrapped in a link (hover: the definition and
    its source as tooltip; click: opens the entry in the glossary panel)."""
    pattern = _pattern(terms)
    if pattern is None:
        return escaped
    by_name = {t.term.lower(): t for t in terms}

    def sub(m: re.Match) -> str:
        t = by_name[re.sub(r"\s+", " ", m.group(1).lower())]
        tip = html.escape(f"{t.term}: “{norm(t.definition)}” (bron: {t.cite})", quote=True)
        return f'<a class="term" href="#{t.anchor}" title="{tip}">{m.group(1)}</a>'

    return pattern.sub(sub, escaped)


def glossary_html(terms: tuple[Term, ...]) -> str:
    """The 'Begrippen' panel: one collapsible entry per term with the quoted definition."""
    items = []
    for t in terms:
        items.append(
            f'<details class="begrip" id="{t.anchor}"><summary>{html.escape(t.term)}</summary>'
            f'<blockquote>“{html.escape(norm(t.definition))}”</blockquote>'
            f'<p class="bronvermelding">Bron: {html.escape(t.cite)}</p></details>')
    return ('<div class="begrippen"><h3>Begrippen</h3><p class="uitleg">Beweeg over een onderstreept '
            'begrip in een antwoord of klik erop voor de uitleg uit de documenten.</p>'
            + "".join(items) + "</div>")
