"""Load test of the page in `llm` mode with the local model process killed during the run.

Starts the page (app.py) with MBO_ANSWER_MODE=llm and the local model on a free port, runs N
users asking through the page's `ask` API for a fixed time, SIGKILLs the model's server
process at the given moments, then prints: requests, errors seen by users, answers by the
model / visibly extractive / refused, any answer that is neither verified nor marked, latency,
how often the model process was restarted, and whether the page process is still alive.

    .venv/bin/python benchmarks/llm_load.py --users 10 --seconds 120 --kill-at 30 80

Non-goals: answer quality (llm_bench.py), extractive-mode load (load_test.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from common import REPO
from load_test import HttpClient, Tally, question_pool, run_users

from assistant.models.server import free_port
from evals.metrics import percentile


def model_pids(parent: int) -> list[int]:
    """PIDs of llama_cpp.server processes whose parent is `parent` (from /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat[1]) == parent and "llama_cpp.server" in cmd and stat[0] != "Z":
            out.append(int(d.name))
    return out


def start_page(port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, MBO_ANSWER_MODE="llm", MBO_LLM_BACKEND="local", MBO_PORT=str(port))
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py")], env=env, stdout=open(log, "wb"),
                            stderr=subprocess.STDOUT)
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            if model_pids(proc.pid):
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"the page exited ({proc.returncode}); log: {log}")
        time.sleep(1)
    raise SystemExit(f"the page did not come up in 300 s; log: {log}")


def classify(out: dict) -> str:
    """'model', 'extractive' (visible note), 'refused', or 'UNMARKED' (shown but unverified)."""
    if not out.get("answered"):
        return "refused"
    shown = [s for s in out.get("sentences", []) if s.get("text", "") in out.get("answer", "")]
    if not out.get("citations") or not all(s.get("supported") and s.get("cites") for s in shown):
        return "UNMARKED"
    marked = any("extractief" in n for n in out.get("notes", []))
    if out.get("mode") == "llm" and not marked:
        return "model"
    return "extractive" if marked or out.get("mode") == "extractive" else "UNMARKED"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--kill-at", type=float, nargs="*", default=[30, 80], help="seconds into the run")
    args = ap.parse_args()
    port, log = free_port(), Path("/tmp/llm_load_page.log")
    page = start_page(port, log)
    pool, tally, kinds, lock = question_pool(), Tally(), {}, threading.Lock()
    stop_at = time.time() + args.seconds
    kills: list[tuple[float, int]] = []

    def body(u: int, client) -> None:
        i = 0
        while time.time() < stop_at:
            t0 = time.perf_counter()
            try:
                out, err = client.predict(pool[(u * 7 + i) % len(pool)], None, None, None, "llm",
                                          api_name="/ask"), None
            except Exception as exc:  # noqa: BLE001 - counted, reported
                out, err = None, f"{type(exc).__name__}: {exc}"[:300]
            tally.add(out, err, time.perf_counter() - t0, f"user {u} q{i}")
            if out is not None:
                kind = classify(out)
                with lock:
                    kinds[kind] = kinds.get(kind, 0) + 1
            i += 1

    def killer() -> None:
        t0 = time.time()
        for at in sorted(args.kill_at):
            time.sleep(max(0.0, t0 + at - time.time()))
            for pid in model_pids(page.pid):
                os.kill(pid, signal.SIGKILL)
                kills.append((round(time.time() - t0, 1), pid))

    threading.Thread(target=killer, daemon=True).start()
    wall = run_users(f"http://127.0.0.1:{port}/", args.users, None, tally, body, kind="http")
    s = tally.summary(wall)
    alive = page.poll() is None
    now = model_pids(page.pid)
    print(f"{args.users} users x {args.seconds:.0f} s in llm mode; model process killed at {kills}")
    print(f"requests {s['requests']} | errors seen by users {s['errors']} | kinds {kinds}")
    print(f"latency p50 {percentile(tally.latencies, 50):.1f} s, p95 {percentile(tally.latencies, 95):.1f} s")
    print(f"page process alive: {alive}; model process now: {now} (killed: {[p for _, p in kills]})")
    for e in s["error_samples"]:
        print(f"  {e}")
    page.send_signal(signal.SIGINT)
    page.wait(30)
    return 0 if alive and s["errors"] == 0 and not kinds.get("UNMARKED") else 1


if __name__ == "__main__":
    sys.exit(main())
