"""Sources that disagree: two documents that say the same thing with a different value.

A newer letter changes an amount or a duration from an older one. When a chosen unit has a
counterpart in another document (the same statement: most of its words shared, numbers aside)
with a different value, the answer shows both and says so, the newer document first:
"De bronnen verschillen: de Kamerbrief (2023-02-01) noemt 300 euro; de werkwijzer (2021-05-01)
noemt 287 euro." It never silently keeps one.
Non-goals: contradictions without a value (yes/no in other words), choosing which is right.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.extractive import Pick
from ingest.lexical import term_set
from ingest.types import Hit

# a value: a number (1.200 / 2,5 / 2023) with the unit word after it, if any
_VALUE = re.compile(r"(?:€\s?)?\b\d[\d.]*(?:,\d+)?\b(?:\s?(?:%|procent|euro|miljoen|miljard|uur|jaar|jaren|maanden|"
                    r"weken|dagen|keer))?", re.IGNORECASE)
_SAME = 0.6  # share of the words (numbers aside) two statements must share to be "the same"


def values(text: str) -> frozenset[str]:
    return frozenset(re.sub(r"\s+", " ", m.group(0).lower().replace("€", "").strip()) for m in _VALUE.finditer(text))


def _words(text: str) -> frozenset[str]:
    return frozenset(t for t in term_set(text) if not t[0].isdigit())


def same_statement(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= _SAME


def counterparts(picks: Sequence[Pick], ranked: Sequence[Pick], hits: Sequence[Hit], floor: float
                 ) -> list[tuple[Pick, Pick]]:
    """(chosen unit, unit of another document that states it with another value), for units
    of the ranking scoring at least `floor`."""
    out = []
    for p in picks:
        mine = values(p.text)
        if not mine:
            continue
        for u in ranked:
            if u.score < floor or hits[u.hit].chunk.doc_id == hits[p.hit].chunk.doc_id:
                continue
            theirs = values(u.text)
            if theirs and theirs != mine and not (mine & theirs - _years(mine)) and same_statement(p.text, u.text):
                out.append((p, u))
                break
    return out


def _years(vals: frozenset[str]) -> frozenset[str]:
    return frozenset(v for v in vals if re.fullmatch(r"(19|20)\d\d", v))


def note(pairs: Sequence[tuple[Pick, Pick]], hits: Sequence[Hit], lang: str) -> str:
    """'De bronnen verschillen: de Kamerbrief (2023-02-01) noemt 300 euro; de werkwijzer …'."""
    parts = []
    for p, u in pairs:
        sides = sorted((p, u), key=lambda x: _date(hits[x.hit]), reverse=True)  # the newer first
        said = []
        for x in sides:
            meta = hits[x.hit].meta
            kind = meta.doc_type or ("document" if lang == "en" else "het document")
            what = ", ".join(sorted(values(x.text) - _years(values(p.text) & values(u.text))))
            said.append(f"{'the' if lang == 'en' else 'de'} {kind} ({_date(hits[x.hit]) or '?'}) "
                        f"{'says' if lang == 'en' else 'noemt'} {what}")
        parts.append("; ".join(said))
    head = "The sources differ: " if lang == "en" else "De bronnen verschillen: "
    return head + " | ".join(parts) + "."


def _date(hit: Hit) -> str:
    return hit.meta.date or hit.meta.period or ""
