"""Load test of a running page: N simulated users each ask M questions through the `ask` API
(gradio_client over loopback, so the Gradio queue and its concurrency limit are exercised),
and the script prints p50/p95/max end-to-end latency, throughput and the error count.

    .venv/bin/python app.py &                                  # extractive mode (the default)
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:7860/ --users 20 --questions 5
    .venv/bin/python benchmarks/load_test.py --auth user:password ...   # when sign-in is on

Questions are the page's example questions plus answerable dev-set questions, so answers hit
the real retrieval and extraction paths. The pieces here (connect, ask, run_users, Tally) are
also used by soak.py (a duration mode that checks answers against single-user answers).
Non-goals: starting the server, llm mode, scoring.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import dev_questions  # noqa: E402
from evals.metrics import percentile  # noqa: E402


def question_pool(limit: int = 60) -> list[str]:
    from assistant.web.ui import EXAMPLES

    pool = [q for qs in EXAMPLES.values() for q in qs]
    pool += [q["question"] for q in dev_questions()
             if q.get("answerable") and not q.get("history") and "followup" not in q.get("tags", [])]
    return pool[:limit]


def connect(url: str, auth: tuple[str, str] | None, kind: str = "gradio"):
    """A simulated user's connection: gradio_client (what the README shows), or "http": plain
    httpx against Gradio's REST queue API, a much lighter client (see HttpClient)."""
    if kind == "http":
        return HttpClient(url, auth)
    from gradio_client import Client

    return Client(url, auth=auth, verbose=False)


class HttpClient:
    """POST /gradio_api/call/<api> then read its event stream, as curl would. The answer goes
    through the same Gradio queue; what it saves is gradio_client's own CPU (its threads and
    polling cost the load generator more CPU than the server on a 2-core machine)."""

    # the ask API's optional inputs, in order: history, doc_ids, doc_types, mode, audience
    DEFAULTS = (None, None, None, None, "professional")

    def __init__(self, url: str, auth: tuple[str, str] | None):
        import httpx

        self.base = url.rstrip("/")
        self.http = httpx.Client(timeout=120)
        if auth:
            self.http.post(f"{self.base}/login", data={"username": auth[0], "password": auth[1]}).raise_for_status()

    def predict(self, *args, api_name: str):
        name = api_name.strip("/")
        data = list(args) + list(self.DEFAULTS[len(args) - 1:])
        r = self.http.post(f"{self.base}/gradio_api/call/{name}", json={"data": data})
        r.raise_for_status()
        event = None
        with self.http.stream("GET", f"{self.base}/gradio_api/call/{name}/{r.json()['event_id']}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    payload = line.split(":", 1)[1].strip()
                    if event == "error":
                        raise RuntimeError(f"server error: {payload[:200]}")
                    return json.loads(payload)[0]
        raise RuntimeError(f"the event stream ended without a result (last event {event!r})")


def ask(client, question: str, *args) -> tuple[dict | None, str | None, float]:
    """One `ask` call: (answer dict or None, error text or None, seconds). args: the API's
    optional arguments in order (history, doc_ids, doc_types, mode, audience)."""
    t0 = time.perf_counter()
    try:
        out = client.predict(question, *args, api_name="/ask")
        err = None if isinstance(out, dict) and "answer" in out else f"unexpected result: {str(out)[:200]}"
    except Exception as exc:  # noqa: BLE001 - counted, reported
        out, err = None, f"{type(exc).__name__}: {exc}"[:300]
    return (out if err is None else None), err, time.perf_counter() - t0


class Tally:
    """Latencies, answered count and errors, filled from many threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.answered = 0

    def add(self, out: dict | None, err: str | None, seconds: float, where: str) -> None:
        with self.lock:
            if err is None:
                self.latencies.append(seconds)
                self.answered += bool(out.get("answered"))
            else:
                self.errors.append(f"{where}: {err}")

    def summary(self, wall: float) -> dict:
        lat = self.latencies
        return {"requests": len(lat) + len(self.errors), "ok": len(lat), "answered": self.answered,
                "errors": len(self.errors), "error_samples": self.errors[:5],
                "p50_s": percentile(lat, 50), "p95_s": percentile(lat, 95), "max_s": max(lat, default=float("nan")),
                "mean_s": statistics.fmean(lat) if lat else float("nan"),
                "wall_s": wall, "throughput_per_s": len(lat) / wall if wall else 0.0}


def run_users(url: str, users: int, auth, tally: Tally, body, kind: str = "gradio") -> float:
    """`users` threads each connect, wait until all have, then run body(u, client); returns the
    wall time. A user that cannot connect is counted as one error."""
    start_gate = threading.Barrier(users)

    def user(u: int) -> None:
        try:
            client = connect(url, auth, kind)
        except Exception as exc:  # noqa: BLE001 - counted, reported
            tally.add(None, f"connect: {exc}", 0.0, f"user {u}")
            start_gate.wait()
            return
        start_gate.wait()
        body(u, client)

    threads = [threading.Thread(target=user, args=(u,)) for u in range(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def run(url: str, users: int, per_user: int, auth: tuple[str, str] | None, kind: str = "gradio") -> dict:
    pool = question_pool()
    tally = Tally()

    def body(u: int, client) -> None:
        for i in range(per_user):
            out, err, dt = ask(client, pool[(u * per_user + i) % len(pool)])
            tally.add(out, err, dt, f"user {u} q{i}")

    wall = run_users(url, users, auth, tally, body, kind)
    return {"users": users, "questions_per_user": per_user, "client": kind, **tally.summary(wall)}


def print_summary(r: dict) -> None:
    print(f"latency end-to-end: p50 {r['p50_s']:.2f} s | p95 {r['p95_s']:.2f} s | max {r['max_s']:.2f} s | "
          f"mean {r['mean_s']:.2f} s")
    print(f"ok {r['ok']} (answered {r['answered']}, refused {r['ok'] - r['answered']}) | errors {r['errors']}")
    for e in r["error_samples"]:
        print(f"  {e}")


def parse_auth(text: str | None) -> tuple[str, str] | None:
    return tuple(text.split(":", 1)) if text else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:7860/")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--questions", type=int, default=5, help="questions per user")
    ap.add_argument("--auth", help="user:password when sign-in is on")
    ap.add_argument("--client", choices=("gradio", "http"), default="gradio",
                    help="gradio_client (default) or plain HTTP against the same queue API (lighter)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    r = run(args.url, args.users, args.questions, parse_auth(args.auth), args.client)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        print(f"{r['users']} users x {r['questions_per_user']} questions = {r['requests']} requests "
              f"({r['client']} client) in "
              f"{r['wall_s']:.1f} s ({r['throughput_per_s']:.2f}/s)")
        print_summary(r)
    return 1 if r["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
