"""The corpus manifest: corpus/manifest.json -> {file name: DocMeta}.

A document on disk without a manifest entry still ingests, with metadata taken from its file
(see load.py). Non-goal: deriving metadata from text (the manifest is written by people).
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.errors import InputError
from ingest.types import DocMeta

MANIFEST = "manifest.json"
_FIELDS = ("doc_id", "title", "publisher", "doc_type", "date", "period", "identifiers", "source")


def read_manifest(folder: Path) -> dict[str, DocMeta]:
    """Read `folder/manifest.json`; {} when there is none. Errors name the entry and field."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); fix the file or remove it") from exc
    entries = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: expected an object with a list 'documents'")
    out: dict[str, DocMeta] = {}
    seen_ids: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"{path}: documents[{i}]"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: expected an object, got {entry!r}")
        for key in ("file", "doc_id", "title"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise InputError(f"{where}: field '{key}' is missing or empty; give it a text value")
        if entry["doc_id"] in seen_ids:
            raise InputError(f"{where}: doc_id {entry['doc_id']!r} is used twice; doc_ids must be unique")
        seen_ids.add(entry["doc_id"])
        ids = entry.get("identifiers", [])
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            raise InputError(f"{where}: field 'identifiers' must be a list of strings, got {ids!r}")
        fields = {k: entry.get(k, "") for k in _FIELDS if k != "identifiers"}
        for key, value in fields.items():
            if not isinstance(value, str):
                raise InputError(f"{where}: field '{key}' must be a string, got {value!r}")
        out[entry["file"]] = DocMeta(path=entry["file"], identifiers=tuple(ids), **fields)
    return out
