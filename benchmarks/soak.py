"""Soak test of a running page: N users ask continuously for D seconds (extractive mode, through
the `ask` API over loopback) and every answer is compared with that question's single-user answer.

Requirement checked: "Under 20 concurrent users for 2 minutes: no errors, answers identical to
single-user answers for the same question in extractive mode."

1. Single-user reference: one client asks every dev-set question (evals/questions/dev.jsonl,
   follow-ups with their history) one at a time, `--baseline-runs` times (default 2); a question
   whose answers differ between those sequential runs is reported as unstable on its own (not a
   concurrency effect) and left out of the comparison.
2. Soak: `--users` threads (default 20) each ask questions drawn at random (seeded) from the same
   set until `--seconds` (default 120) have passed; each answer's signature (answer text,
   answered, cited chunk ids, notes) is compared with the reference.

Prints requests, errors, mismatches (the first few diffs), p50/p95/max latency, throughput;
exit code 1 on any error or mismatch.

    .venv/bin/python app.py &
    .venv/bin/python benchmarks/soak.py --url http://127.0.0.1:7860/ --users 20 --seconds 120

Non-goals: starting the server, llm mode (its answers are not deterministic), scoring.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import dev_questions  # noqa: E402
from load_test import Tally, ask, connect, parse_auth, print_summary, run_users  # noqa: E402

MODE = "extractive"


def signature(out: dict) -> dict:
    """What must be identical: answer text, answered, cited chunk ids (in order), notes."""
    from ingest.chunk import chunk_id

    return {"answer": out["answer"], "answered": out["answered"],
            "chunks": [chunk_id(c["doc_id"], c["start"], c["section"], c["text"]) for c in out["citations"]],
            "notes": list(out.get("notes") or [])}


def diff(want: dict, got: dict) -> str:
    """The first field that differs, shortly."""
    for key in want:
        if want[key] != got[key]:
            return f"{key}: single-user {json.dumps(want[key], ensure_ascii=False)[:300]} | concurrent " \
                   f"{json.dumps(got[key], ensure_ascii=False)[:300]}"
    return "identical"


def _args(q: dict) -> tuple:
    """The `ask` API's arguments for a dev question (history, doc_ids, doc_types, mode, audience)."""
    return q["question"], [list(t) for t in q.get("history") or []], [], [], MODE, "professional"


def reference(client, questions: list[dict], runs: int) -> tuple[dict, dict, list[str]]:
    """Single-user signatures by question id, the ids unstable across sequential runs (with the
    diff), and errors."""
    ref: dict[str, dict] = {}
    unstable: dict[str, str] = {}
    errors: list[str] = []
    for r in range(runs):
        for q in questions:
            out, err, _ = ask(client, *_args(q))
            if err:
                errors.append(f"reference run {r + 1} {q['id']}: {err}")
                continue
            sig = signature(out)
            if q["id"] not in ref:
                ref[q["id"]] = sig
            elif ref[q["id"]] != sig and q["id"] not in unstable:
                unstable[q["id"]] = diff(ref[q["id"]], sig)
    return ref, unstable, errors


def soak(url: str, auth, users: int, seconds: float, questions: list[dict], ref: dict, seed: int) -> dict:
    tally = Tally()
    mismatches: list[str] = []
    checked = [0]
    by_id = {q["id"]: q for q in questions if q["id"] in ref}
    ids = sorted(by_id)

    began: list[float] = []  # set by the first user past the connect barrier

    def body(u: int, client) -> None:
        rng = random.Random(seed * 1000 + u)
        with tally.lock:
            began[:] = began or [time.perf_counter()]
        while time.perf_counter() < began[0] + seconds:
            qid = rng.choice(ids)
            out, err, dt = ask(client, *_args(by_id[qid]))
            tally.add(out, err, dt, f"user {u} {qid}")
            if err is None:
                got = signature(out)
                with tally.lock:
                    checked[0] += 1
                    if got != ref[qid]:
                        mismatches.append(f"user {u} {qid}: {diff(ref[qid], got)}")

    run_users(url, users, auth, tally, body)
    wall = time.perf_counter() - began[0] if began else 0.0  # from the first question to the last answer
    return {"users": users, "seconds": seconds, "questions": len(ids), **tally.summary(wall),
            "compared": checked[0], "mismatches": len(mismatches), "mismatch_samples": mismatches[:5]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:7860/")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--baseline-runs", type=int, default=2, help="sequential single-user runs for the reference")
    ap.add_argument("--limit", type=int, default=0, help="only the first N dev questions (0: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--auth", help="user:password when sign-in is on")
    args = ap.parse_args(argv)
    auth = parse_auth(args.auth)
    questions = dev_questions()[:args.limit or None]
    t = time.perf_counter()
    ref, unstable, ref_errors = reference(connect(args.url, auth), questions, args.baseline_runs)
    print(f"single-user reference: {len(questions)} questions x {args.baseline_runs} runs in "
          f"{time.perf_counter() - t:.1f} s; errors {len(ref_errors)}; unstable between sequential runs "
          f"{len(unstable)}", flush=True)
    for e in ref_errors[:5]:
        print(f"  {e}")
    for qid, d in list(unstable.items())[:5]:
        print(f"  unstable {qid}: {d}")
    for qid in unstable:
        ref.pop(qid, None)
    r = soak(args.url, auth, args.users, args.seconds, questions, ref, args.seed)
    print(f"soak: {r['users']} users for {r['seconds']:.0f} s ({r['wall_s']:.1f} s wall), {r['questions']} "
          f"questions: {r['requests']} requests ({r['throughput_per_s']:.2f}/s)")
    print_summary(r)
    print(f"compared with single-user answers: {r['compared']} | mismatches {r['mismatches']}")
    for m in r["mismatch_samples"]:
        print(f"  {m}")
    return 1 if r["errors"] or r["mismatches"] or ref_errors else 0


if __name__ == "__main__":
    sys.exit(main())
