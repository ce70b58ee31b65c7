"""Question sets: JSONL, one object per line, validated with errors naming line and field.

Schema: {"id", "question", "history"?: [[role, text], ...], "answerable": bool,
"facts"?: [[alternative, ...], ...], "quote"?: str, "doc_id"?: str,
"audience"?: "caseworker"|"student", "tags"?: [str, ...]}. With score=False (held-out runs)
only id and question (and history) are required. Non-goal: scoring (metrics.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.errors import InputError

KINDS = ("unanswerable", "followup", "two-asks", "comparison", "list", "procedure", "student-phrasing",
         "english", "single-fact")
_KEYS = {"id", "question", "history", "answerable", "facts", "quote", "doc_id", "audience", "tags"}


def read_objects(path: Path, what: str = "the file"):
    """Yield ("path:line", object) for each non-empty line of a JSONL file; InputError names the
    line for invalid JSON or a non-object."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read {what} ({exc}); give a UTF-8 JSONL file") from exc
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{no}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg}); one JSON object per line") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
        yield where, obj


def kind(q: dict) -> str:
    """A question's kind: unanswerable, else the first of KINDS among its tags, else "other"
    (split.py deals each kind evenly; the report groups by it)."""
    tags = q.get("tags", [])
    if not q["answerable"]:
        return "unanswerable"
    return next((k for k in KINDS if k in tags), "other")


def load_questions(path: Path, score: bool = True) -> list[dict]:
    out, seen = [], set()
    for where, q in read_objects(path, "the question set"):
        _check(q, where, score)
        if q["id"] in seen:
            raise InputError(f"{where}: id {q['id']!r} is used twice; ids must be unique")
        seen.add(q["id"])
        out.append(q)
    if not out:
        raise InputError(f"{path}: no questions; add one JSON object per line")
    return out


def _check(q: dict, where: str, score: bool) -> None:
    for key in ("id", "question"):
        if not isinstance(q.get(key), str) or not q[key].strip():
            raise InputError(f"{where}: field '{key}' is missing or not a non-empty string")
    hist = q.get("history", [])
    if not isinstance(hist, list) or not all(
            isinstance(t, list) and len(t) == 2 and t[0] in ("user", "assistant") and isinstance(t[1], str)
            for t in hist):
        raise InputError(f"{where}: field 'history' must be a list of [role, text] with role user/assistant")
    if not score:
        return
    unknown = set(q) - _KEYS
    if unknown:
        raise InputError(f"{where}: unknown field(s) {sorted(unknown)}; allowed are {sorted(_KEYS)}")
    if not isinstance(q.get("answerable"), bool):
        raise InputError(f"{where}: field 'answerable' must be true or false (needed to score; "
                         "or run with --no-score)")
    facts = q.get("facts", [])
    if not isinstance(facts, list) or not all(
            isinstance(f, list) and f and all(isinstance(a, str) and a for a in f) for f in facts):
        raise InputError(f"{where}: field 'facts' must be a list of non-empty lists of strings, "
                         'e.g. [["2.700", "2700"]]')
    if q["answerable"] and not facts and not q.get("quote"):
        raise InputError(f"{where}: an answerable question needs 'facts' or 'quote' to be scored")
    for key in ("quote", "doc_id"):
        if key in q and not isinstance(q[key], str):
            raise InputError(f"{where}: field '{key}' must be a string")
    if "audience" in q and q["audience"] not in ("caseworker", "student"):
        raise InputError(f"{where}: field 'audience' must be 'caseworker' or 'student', got {q['audience']!r}")
    if "tags" in q and not (isinstance(q["tags"], list) and all(isinstance(t, str) for t in q["tags"])):
        raise InputError(f"{where}: field 'tags' must be a list of strings")
