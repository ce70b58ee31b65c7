"""The local chat model in a process of its own: llama-cpp-python's OpenAI-compatible server,
started on first use, supervised, restarted with back-off, stopped with its parent.

A crash, an out-of-memory kill or a hang of native code in that process ends only the answers
in flight (the chain falls back to the extractive answer with a note); the app, the CLI and
the other users go on. Requests queue before the server (`slot()`: one question at a time,
with a deadline), so abandoned requests never pile up inside it.

    server = ModelServer(settings)      # nothing runs yet
    server.ensure(wait_s=30)            # starts it, or waits while it (re)starts; ModelError if not ready
    server.base_url                     # http://127.0.0.1:<port>/v1, the same across restarts
    with server.slot(wait_s=30): …      # this question's turn at the model, or ModelError (busy)
    server.check()                      # after a failed request: kills a process that stopped answering
    server.stop()

Non-goals: the OpenAI client (chat.py), remote servers (those are someone else's process),
GPU offload.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from ingest.errors import ModelError
from ingest.settings import Settings

_PR_SET_PDEATHSIG = 1
MAX_BACKOFF_S = 60.0
STABLE_AFTER_S = 60.0  # a process that ran this long resets the back-off


def _die_with_parent() -> None:  # runs in the child between fork and exec (Linux)
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: atexit in the parent still stops it on a normal exit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(model_path: Path, port: int, settings: Settings) -> list[str]:
    threads = str(settings.llm_threads or os.cpu_count() or 1)
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias",
            settings.llm_model, "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(settings.llm_context),
            "--n_threads", threads, "--n_threads_batch", threads]


class ModelServer:
    """One supervised model process (holds the process, its log file and the supervising thread).

    The supervising thread starts the process, marks it ready when it answers, and restarts it
    after a back-off when it ends unasked. It also owns the child for PR_SET_PDEATHSIG, which
    fires when the thread that started the child ends: so it lives as long as the server does."""

    def __init__(self, settings: Settings, command: list[str] | None = None, extra_args: tuple[str, ...] = ()):
        self.settings = settings
        self._extra = list(extra_args)  # more llama_cpp.server options (the ragas judge adds a prompt cache)
        self.port = settings.llm_port or free_port()
        self._command = command  # tests give their own; else built from the GGUF on first start
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen | None = None
        self._restart_at = 0.0  # monotonic time of the next start after a failure (0: none waiting)
        self._error = ""  # why the last start failed, for the caller's message
        self.restarts = 0
        self.log_path = settings.data_dir / "llm-server.log"
        # one request at a time at the model (llama_cpp.server runs them one by one anyway): the
        # rest wait here with a deadline instead of piling up abandoned requests in the server
        self._slot = threading.BoundedSemaphore(1)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def ensure(self, wait_s: float) -> None:
        """Ready to answer within wait_s seconds, else ModelError (the caller falls back)."""
        if self._ready.is_set() and self.pid is not None:
            return
        with self._lock:
            if self._thread is not None and not self._thread.is_alive():
                self._thread = None  # stopped by its owner: the next use starts it again
            if self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(target=self._supervise, daemon=True, name="llm-server")
                self._thread.start()
        if not self._ready.wait(wait_s):
            when = self._restart_at - time.monotonic()
            why = f"; last failure: {self._error}" if self._error else ""
            later = f"; the next start is in {when:.0f} s" if when > 0 else ""
            raise ModelError(f"the local model process is not ready after {wait_s:.0f} s{why}{later} "
                             f"(log: {self.log_path})")

    @contextlib.contextmanager
    def slot(self, wait_s: float):
        """The model's turn, or ModelError after wait_s (the caller falls back: the model is busy)."""
        if not self._slot.acquire(timeout=max(0.0, wait_s)):
            raise ModelError(f"the local model is busy with other questions (waited {wait_s:.0f} s)")
        try:
            yield
        finally:
            self._slot.release()

    def _supervise(self) -> None:
        failures = 0
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                proc = self._spawn()
            except Exception as exc:  # noqa: BLE001 - e.g. model parts missing: said by ensure()
                self._error = str(exc)
            else:
                self._serve(proc)
                self._error = self._error or f"the process ended with code {proc.returncode}"
            if self._stop.is_set():
                return
            failures = 1 if time.monotonic() - started > STABLE_AFTER_S else failures + 1
            delay = min(MAX_BACKOFF_S, 0.5 * 2 ** (failures - 1))
            self._restart_at = time.monotonic() + delay
            if self._stop.wait(delay):
                return
            self._restart_at = 0.0
            self.restarts += 1

    def _spawn(self) -> subprocess.Popen:
        from assistant.models.gguf import ensure_gguf

        command = self._command or server_command(
            ensure_gguf(self.settings.llm_model, self.settings.cache_dir), self.port, self.settings) + self._extra
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    preexec_fn=_die_with_parent if os.name == "posix" else None)
        with self._lock:
            self._proc = proc
        return proc

    def _serve(self, proc: subprocess.Popen) -> None:
        """Until the process ends: ready once it answers; killed if it never does in time."""
        deadline = time.monotonic() + self.settings.llm_start_timeout_s
        while proc.poll() is None and not self._ready.is_set():
            if self._healthy(timeout=1.0):
                self._error = ""
                self._ready.set()
            elif time.monotonic() > deadline:
                self._error = f"no answer within {self.settings.llm_start_timeout_s:.0f} s of starting"
                proc.kill()
            else:
                time.sleep(0.2)
        proc.wait()
        self._ready.clear()

    def _healthy(self, timeout: float) -> bool:
        import httpx

        try:
            return httpx.get(f"{self.base_url}/models", timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    def check(self) -> None:
        """After a failed or timed-out request: a process that is up but no longer answers is
        killed (the supervisor restarts it); a dead one is already being restarted."""
        proc = self._proc
        if proc is not None and proc.poll() is None and self._ready.is_set() and not self._healthy(timeout=3.0):
            self._error = "it stopped answering"
            proc.kill()

    def stop(self) -> None:
        self._stop.set()
        self._ready.clear()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._thread is not None:
            self._thread.join(timeout=10)


_SERVERS: dict[tuple, ModelServer] = {}
_SERVERS_LOCK = threading.Lock()


def shared_server(settings: Settings) -> ModelServer:
    """The process-wide server for this model and its run settings (one process per model)."""
    key = (settings.llm_model, settings.llm_context, settings.llm_threads, settings.llm_port, str(settings.data_dir))
    with _SERVERS_LOCK:
        if key not in _SERVERS:
            _SERVERS[key] = ModelServer(settings)
            atexit.register(_SERVERS[key].stop)
        return _SERVERS[key]
