"""Load test of a running page: N simulated users each ask M questions through the `ask` API
(gradio_client over loopback, so the Gradio queue and its concurrency limit are exercised),
and the script prints p50/p95/max end-to-end latency, throughput and the error count.

    .venv/bin/python app.py &                                  # extractive mode (the default)
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:7860/ --users 20 --questions 5
    .venv/bin/python benchmarks/load_test.py --auth user:password ...   # when sign-in is on

Questions are the page's example questions plus answerable dev-set questions, so answers hit
the real retrieval and extraction paths. Non-goals: starting the server, llm mode, scoring.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def question_pool(limit: int = 60) -> list[str]:
    from assistant.ui import EXAMPLES

    pool = [q for qs in EXAMPLES.values() for q in qs]
    dev = REPO / "evals" / "questions" / "dev.jsonl"
    for line in dev.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q.get("answerable") and not q.get("history") and "followup" not in q.get("tags", []):
            pool.append(q["question"])
    return pool[:limit]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run(url: str, users: int, per_user: int, auth: tuple[str, str] | None) -> dict:
    from gradio_client import Client

    pool = question_pool()
    latencies: list[float] = []
    errors: list[str] = []
    answered = [0]
    lock = threading.Lock()
    start_gate = threading.Barrier(users)

    def user(u: int) -> None:
        try:
            client = Client(url, auth=auth, verbose=False)
        except Exception as exc:  # noqa: BLE001 - counted, reported
            with lock:
                errors.extend([f"user {u}: connect: {exc}"] * per_user)
            start_gate.wait()
            return
        start_gate.wait()
        for i in range(per_user):
            q = pool[(u * per_user + i) % len(pool)]
            t0 = time.perf_counter()
            try:
                out = client.predict(q, api_name="/ask")
                ok = isinstance(out, dict) and "answer" in out
            except Exception as exc:  # noqa: BLE001 - counted, reported
                ok, out = False, f"{type(exc).__name__}: {exc}"
            dt = time.perf_counter() - t0
            with lock:
                if ok:
                    latencies.append(dt)
                    answered[0] += bool(out.get("answered"))
                else:
                    errors.append(f"user {u} q{i}: {str(out)[:200]}")

    threads = [threading.Thread(target=user, args=(u,)) for u in range(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"users": users, "questions_per_user": per_user, "requests": users * per_user,
            "ok": len(latencies), "answered": answered[0], "errors": len(errors), "error_samples": errors[:5],
            "p50_s": percentile(latencies, 0.5), "p95_s": percentile(latencies, 0.95),
            "max_s": max(latencies, default=float("nan")),
            "mean_s": statistics.fmean(latencies) if latencies else float("nan"),
            "wall_s": wall, "throughput_per_s": len(latencies) / wall if wall else 0.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:7860/")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--questions", type=int, default=5, help="questions per user")
    ap.add_argument("--auth", help="user:password when sign-in is on")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    auth = tuple(args.auth.split(":", 1)) if args.auth else None
    r = run(args.url, args.users, args.questions, auth)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        print(f"{r['users']} users x {r['questions_per_user']} questions = {r['requests']} requests in "
              f"{r['wall_s']:.1f} s ({r['throughput_per_s']:.2f}/s)")
        print(f"latency end-to-end: p50 {r['p50_s']:.2f} s | p95 {r['p95_s']:.2f} s | max {r['max_s']:.2f} s | "
              f"mean {r['mean_s']:.2f} s")
        print(f"ok {r['ok']} (answered {r['answered']}, refused {r['ok'] - r['answered']}) | errors {r['errors']}")
        for e in r["error_samples"]:
            print(f"  {e}")
    return 1 if r["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
