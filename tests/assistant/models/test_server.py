"""The supervised model process: started on use, restarted with back-off, killed when it hangs,
gone with its parent. A small HTTP server stands in for llama-cpp-python's here; the real one
is exercised in tests/assistant/test_chain_llm.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from ingest.errors import ModelError
from assistant.models.server import ModelServer, free_port
from ingest.settings import Settings

pytestmark = pytest.mark.unit

FAKE = textwrap.dedent("""
    import http.server, sys
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/v1/models" else 404); self.end_headers()
            self.wfile.write(b'{"data": []}')
        def log_message(self, *a): pass
    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
""")


def _server(tmp_path, code=FAKE, **settings) -> ModelServer:
    port = free_port()
    s = Settings(data_dir=tmp_path, llm_port=port, **settings)
    return ModelServer(s, command=[sys.executable, "-c", code, str(port)])


def _wait(cond, seconds=15.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_starts_on_first_use_on_loopback_and_stops(tmp_path):
    srv = _server(tmp_path)
    assert srv.pid is None  # nothing runs before the first use
    srv.ensure(wait_s=15)
    pid = srv.pid
    assert pid and srv.base_url == f"http://127.0.0.1:{srv.port}/v1"
    srv.stop()
    assert srv.pid is None and _wait(lambda: not _alive(pid))


def test_a_stopped_server_starts_again_on_its_next_use(tmp_path):
    # the server is shared per model and data dir: one owner stopping it must not break the next
    srv = _server(tmp_path)
    srv.ensure(wait_s=15)
    first = srv.pid
    srv.stop()
    srv.ensure(wait_s=15)
    assert srv.pid not in (None, first)
    srv.stop()
    assert srv.pid is None


def test_a_killed_process_is_restarted(tmp_path):
    srv = _server(tmp_path)
    try:
        srv.ensure(wait_s=15)
        first = srv.pid
        os.kill(first, signal.SIGKILL)
        assert _wait(lambda: srv.pid not in (None, first))
        srv.ensure(wait_s=15)
        assert srv.restarts == 1 and srv.pid != first
    finally:
        srv.stop()


def test_a_process_that_never_answers_is_killed_and_reported(tmp_path):
    srv = _server(tmp_path, code="import time; time.sleep(60)", llm_start_timeout_s=1.0)
    try:
        with pytest.raises(ModelError, match="not ready after 3 s") as e:
            srv.ensure(wait_s=3)
        assert "no answer within 1 s of starting" in str(e.value) and "llm-server.log" in str(e.value)
    finally:
        srv.stop()


def test_back_off_grows_between_failed_starts(tmp_path):
    srv = _server(tmp_path, code="raise SystemExit(3)")
    try:
        with pytest.raises(ModelError, match="ended with code 3"):
            srv.ensure(wait_s=2.5)  # starts at 0, 0.5 and 1.5 s: at most three tries
        assert 1 <= srv.restarts <= 3
    finally:
        srv.stop()


def test_check_kills_a_process_that_stopped_answering(tmp_path):
    srv = _server(tmp_path)
    try:
        srv.ensure(wait_s=15)
        hung = srv.pid
        os.kill(hung, signal.SIGSTOP)  # alive, but answers nothing
        srv.check()
        assert _wait(lambda: not _alive(hung)) and _wait(lambda: srv.pid not in (None, hung))
        srv.ensure(wait_s=15)
    finally:
        srv.stop()


def test_the_process_ends_with_its_parent(tmp_path):
    port = free_port()
    parent = textwrap.dedent(f"""
        import sys, time
        from assistant.models.server import ModelServer
        from ingest.settings import Settings
        srv = ModelServer(Settings(data_dir={str(tmp_path)!r}, llm_port={port}),
                          command=[sys.executable, "-c", {FAKE!r}, "{port}"])
        srv.ensure(wait_s=15)
        print(srv.pid, flush=True)
        time.sleep(60)
    """)
    p = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    child = int(p.stdout.readline())
    assert _alive(child)
    p.kill()  # SIGKILL: no atexit runs, only the kernel's parent-death signal
    p.wait()
    assert _wait(lambda: not _alive(child), 10), "the model process outlived its parent"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (ended, not yet reaped) counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone between the two looks
        return False


@pytest.mark.unit
def test_one_request_at_a_time_and_a_waiter_gives_up_at_its_deadline(tmp_path):
    import threading

    from ingest.errors import ModelError

    server = _server(tmp_path)  # never started: the turn is the client side's
    entered, release = threading.Event(), threading.Event()

    def first():
        with server.slot(1.0):
            entered.set()
            release.wait(5)
    t = threading.Thread(target=first)
    t.start()
    assert entered.wait(5)
    start = time.monotonic()
    with pytest.raises(ModelError, match="busy"):
        with server.slot(0.3):
            pass
    assert 0.25 < time.monotonic() - start < 2
    release.set()
    t.join()
    with server.slot(0.3):  # free again once the first request is done
        pass
