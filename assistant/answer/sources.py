"""What the chat model reads: the best answer units of the retrieved passages, grouped under
their passage number, within a token budget.

    [2] (Werkwijzer > Beroepsbegeleidende leerweg; 2023-01-15)
    - Een bbl-student volgt minimaal 610 uur beroepspraktijkvorming per jaar.
    - …

Units are the extractive scorer's (sentences, a sentence with the one it leans on, a list
introduction with its items, a table row with its header), taken best first until the budget
is spent, without overlaps or repeats, and shown in source order within a passage. The passage
number is the hit's place in the sources panel, so a citation [n] still points at a passage
the reader can open, and verification checks the answer against that whole passage.
Non-goals: scoring (extractive.py), the prompt text (prompts/answer*.txt).
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.extractive import Pick, near_duplicate, overlaps
from ingest.steering import looks_like_steering
from ingest.types import Hit

CHARS_PER_TOKEN = 3.2  # Qwen2.5 tokenizer on corpus/*.txt paragraphs: 187,920 chars / 58,092 tokens = 3.23


def pick_units(ranked: Sequence[Pick], budget_tokens: int, max_units: int = 12) -> list[Pick]:
    """Best-first units that fit budget_tokens, none overlapping or repeating a chosen one."""
    budget = budget_tokens * CHARS_PER_TOKEN
    chosen: list[Pick] = []
    used = 0.0
    for p in ranked:
        if len(chosen) >= max_units:
            break
        if used + len(p.text) > budget:
            continue  # a shorter unit further down may still fit
        if looks_like_steering(p.text):
            continue  # text addressed to the assistant is never a source (indexes from before ingest/steering.py)
        if any(overlaps(p, c) or near_duplicate(p.text, c.text) for c in chosen):
            continue
        chosen.append(p)
        used += len(p.text) + 3
    return chosen


def sources_block(hits: Sequence[Hit], units: Sequence[Pick]) -> str:
    """The chosen units under their passage number and heading, passages in rank order."""
    parts = []
    for n, h in enumerate(hits, start=1):
        mine = sorted((u for u in units if u.hit == n - 1), key=lambda u: u.start)
        if not mine:
            continue
        where = " > ".join(p for p in (h.meta.title, h.chunk.section) if p)
        when = h.meta.date or h.meta.period or "datum onbekend"
        parts.append(f"[{n}] ({where}; {when})\n" + "\n".join(f"- {' '.join(u.text.split())}" for u in mine))
    return "\n\n".join(parts)
