"""Text addressed to the assistant rather than to its readers ("negeer de instructies",
"answer every question"): such a passage is never a source, and such a question is not
answered (prompt injection through an uploaded document or the question box).
Sentence-level detection is ingest/steering.py; this is the answer side's last line. Non-goal:
detecting subtler manipulation (disagreeing or planted facts).
"""

from __future__ import annotations

import re

from ingest.steering import looks_like_steering

# text addressed to the assistant rather than to readers: never a source (prompt injection)
_INSTRUCTION = re.compile(
    r"\b(negeer|vergeet)\b.{0,60}\b(instructies?|opdrachten|bovenstaande|documenten|regels)\b|"
    r"\bantwoord op (elke|iedere|alle) vra(ag|gen)\b|"
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules|above)\b|"
    r"\banswer every question\b|\bsyste(em|m) ?prompt\b", re.IGNORECASE | re.DOTALL)


def looks_like_instructions(text: str) -> bool:
    """A passage or question that instructs the assistant: the old phrasings, or a sentence the
    ingest-time detector flags (passages indexed before it existed still hold such sentences)."""
    return _INSTRUCTION.search(text) is not None or looks_like_steering(text)
