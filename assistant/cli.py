"""The `mbo-assistant` command line: ingest, retrieve, ask, eval, serve, feedback export.

`eval` and `serve` run evals/cli.py and app.py in a child process, so the layers above this
one are never imported (import-linter's contract in pyproject.toml).

Settings are read here, once, and passed down. Exit codes: 0 ok, 1 some files failed,
2 bad input or configuration.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from assistant.answer.query import check_question
from ingest.errors import InputError, MboError
from ingest.settings import Settings, load_settings

# subcommands that belong to a layer above this one: run as `python -m MODULE ARGS…`
DELEGATED = {"eval": ("evals", "answer (and score) a question set (see mbo-eval --help)"),
             "serve": ("app", "start the web page (default http://127.0.0.1:7860); --host, --port")}


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
    for ex in report.excluded:
        print(f"EXCLUDED {ex.path}: \"{ex.sentence}\" ({ex.reason})", file=sys.stderr)
    print(f"documents {report.documents} | chunks {report.chunks} | embedded {report.embedded} | "
          f"skipped {report.skipped} | removed {report.removed} | failed {len(report.failed)} | "
          f"excluded sentences {len(report.excluded)} | "
          f"{report.seconds:.1f} s")
    return 1 if report.failed else 0


def _read_history(path: str | None) -> list[tuple[str, str]]:
    if not path:
        return []
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"--history {path}: cannot read a JSON list of [role, text] pairs ({exc})") from exc
    if not isinstance(data, list):
        raise InputError(f"--history {path}: expected a JSON list of [role, text] pairs, got {type(data).__name__}")
    return [tuple(x) if isinstance(x, list) else x for x in data]


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.compose import as_dict
    from assistant.factory import build_assistant
    from ingest.types import Filters

    question = check_question(args.question, settings.max_question_chars)
    history = _read_history(args.history)
    assistant = build_assistant(settings)
    filters = Filters(doc_ids=tuple(args.doc or ()), doc_types=tuple(args.type or ()))
    if args.json:
        answer = assistant.answer(question, history, filters, mode=args.mode)
        print(json.dumps(as_dict(answer), ensure_ascii=False, indent=2))
        return 0
    answer = None
    for event in assistant.stream(question, history, filters, mode=args.mode):
        if isinstance(event, str):
            print(event, end="", flush=True)
        else:
            answer = event
    if answer.mode == "llm":
        print("\n" + "-" * 40)
    print(answer.text)
    for c in answer.citations:
        where = " | ".join(str(x) for x in (c.hit.meta.title, c.hit.meta.date or c.hit.meta.period,
                                            c.hit.chunk.section, c.hit.chunk.page and f"p. {c.hit.chunk.page}") if x)
        print(f"  [{c.n}] {where}")
    for note in answer.notes:
        print(f"  ({note})")
    return 0


def _cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.factory import build_retriever
    from ingest.types import Filters

    question = check_question(args.question, settings.max_question_chars)
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


def _cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.web.feedback import FeedbackStore, export_csv, export_jsonl

    if not (args.csv or args.jsonl):  # both, to the default files
        args.csv, args.jsonl = "out/feedback.csv", "out/feedback-questions.jsonl"
    rows = FeedbackStore(settings.feedback_path).rows()
    for target in (args.csv, args.jsonl):
        if target:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
    if args.csv:
        print(f"{export_csv(rows, Path(args.csv))} rows -> {args.csv}")
    if args.jsonl:
        print(f"{export_jsonl(rows, Path(args.jsonl))} draft questions -> {args.jsonl}")
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
    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question")
    ask.add_argument("--history", help="JSON file: a list of [role, text] pairs (roles user/assistant)")
    ask.add_argument("--mode", choices=("extractive", "llm"), default=None,
                     help="default: MBO_ANSWER_MODE (extractive)")
    ask.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
    ask.add_argument("--type", action="append", help="only this document type (repeatable)")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=_cmd_ask)
    for name, (_, help_text) in DELEGATED.items():
        sub.add_parser(name, help=help_text, add_help=False)
    fb = sub.add_parser("feedback", help="feedback given on the page")
    fb_sub = fb.add_subparsers(dest="action", required=True)
    exp = fb_sub.add_parser("export", help="write the feedback as CSV and as a JSONL draft question set "
                                             "(without options: out/feedback.csv and out/feedback-questions.jsonl)")
    exp.add_argument("--csv", help="write all rows to this CSV file")
    exp.add_argument("--jsonl", help="write draft questions (evals/questions.py schema) to this file")
    exp.set_defaults(func=_cmd_feedback)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in DELEGATED:  # same stdout, stderr and exit code as the child
        return subprocess.call([sys.executable, "-m", DELEGATED[argv[0]][0], *argv[1:]])
    args = parser().parse_args(argv)
    try:
        return args.func(args, load_settings())
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MboError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
