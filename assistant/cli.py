"""The `mbo-assistant` command line: ingest, retrieve (and more as they land).

Settings are read here, once, and passed down. Exit codes: 0 ok, 1 some files failed,
2 bad input or configuration.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from assistant.errors import InputError, MboError
from assistant.settings import Settings

MAX_QUESTION = 2000


def _cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from assistant.factory import build_index
    from ingest.pipeline import ingest

    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    index = build_index(settings)
    with tqdm(total=0, unit="chunk", desc="embedding", disable=args.quiet or None, leave=False) as bar:
        report = ingest(paths, settings, index, rebuild=args.rebuild, bar=bar, wait=args.wait)
    for failure in report.failed:
        print(f"FAILED {failure.path}: {failure.reason}", file=sys.stderr)
    print(f"documents {report.documents} | chunks {report.chunks} | embedded {report.embedded} | "
          f"skipped {report.skipped} | removed {report.removed} | failed {len(report.failed)} | "
          f"{report.seconds:.1f} s")
    return 1 if report.failed else 0


def check_question(question: object) -> str:
    if not isinstance(question, str):
        raise InputError(f"the question must be text, got {type(question).__name__}")
    q = question.strip()
    if not q:
        raise InputError("the question is empty; type a question about mbo policy")
    if len(q) > MAX_QUESTION:
        raise InputError(f"the question has {len(q)} characters; shorten it to at most {MAX_QUESTION}")
    return q


def _cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.factory import build_retriever
    from assistant.types import Filters

    question = check_question(args.question)
    t0 = time.perf_counter()
    retriever = build_retriever(settings)
    filters = Filters(doc_ids=tuple(args.doc or ()), doc_types=tuple(args.type or ()))
    hits, timings = retriever.search(question, k=args.k, filters=filters)
    timings["total"] = (time.perf_counter() - t0) * 1000
    out = {"question": question, "hits": [
        {"rank": h.rank, "chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id, "title": h.meta.title,
         "section": h.chunk.section, "page": h.chunk.page, "text": h.chunk.text, "score": round(h.score, 6)}
        for h in hits], "timings_ms": {k: round(v, 1) for k, v in timings.items()}}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for h in out["hits"]:
            where = " | ".join(str(x) for x in (h["title"], h["section"], h["page"] and f"p. {h['page']}") if x)
            print(f"[{h['rank']}] {where}\n    {h['text'][:300]}\n")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mbo-assistant", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="index documents (default: the corpus folder)")
    ing.add_argument("paths", nargs="*", help="files or folders (default: corpus/)")
    ing.add_argument("--rebuild", action="store_true", help="drop the index and build it again")
    ing.add_argument("--wait", action="store_true", help="wait for a running ingest instead of refusing")
    ing.add_argument("--quiet", action="store_true", help="no progress bar")
    ing.set_defaults(func=_cmd_ingest)
    ret = sub.add_parser("retrieve", help="show the passages retrieved for a question")
    ret.add_argument("question")
    ret.add_argument("-k", type=int, default=5)
    ret.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
    ret.add_argument("--type", action="append", help="only this document type (repeatable)")
    ret.add_argument("--json", action="store_true")
    ret.set_defaults(func=_cmd_retrieve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
        return args.func(args, settings)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MboError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
