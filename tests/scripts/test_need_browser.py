"""scripts/need_browser.sh, the check scripts/test.sh makes after setup: without chromium the
README's test command fails (as CI does) with the fix, unless MBO_SKIP_BROWSER=1; under CI's
MBO_REQUIRE_BROWSER the opt-out does not count. Driven by the chromium path it is given, so
nothing is uninstalled here."""

import os
import subprocess

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.unit

SCRIPT = REPO / "scripts" / "need_browser.sh"


def run(chromium, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("MBO_SKIP_BROWSER", "MBO_REQUIRE_BROWSER")}
    return subprocess.run(["bash", str(SCRIPT), str(chromium)], env={**base, **env},
                          capture_output=True, text=True, timeout=30)


@pytest.fixture
def chromium(tmp_path):
    exe = tmp_path / "chromium"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    return exe


def test_present_browser_passes_silently(chromium):
    out = run(chromium)
    assert out.returncode == 0 and out.stderr == ""
    assert run(chromium, MBO_REQUIRE_BROWSER="1").returncode == 0


def test_missing_browser_fails_with_the_fix(tmp_path):
    out = run(tmp_path / "no-chromium")
    assert out.returncode == 1
    assert "sudo apt-get install -y chromium" in out.stderr and "bash scripts/setup.sh" in out.stderr
    assert "MBO_SKIP_BROWSER=1" in out.stderr  # how to opt out


def test_a_file_that_is_not_executable_is_missing(chromium):
    chromium.chmod(0o644)
    assert run(chromium).returncode == 1


def test_explicit_opt_out_passes_and_says_so(tmp_path):
    out = run(tmp_path / "no-chromium", MBO_SKIP_BROWSER="1")
    assert out.returncode == 0 and "skipped" in out.stderr
    assert run(tmp_path / "no-chromium", MBO_SKIP_BROWSER="yes").returncode == 1  # only 1 opts out


def test_ci_cannot_opt_out(tmp_path):
    out = run(tmp_path / "no-chromium", MBO_SKIP_BROWSER="1", MBO_REQUIRE_BROWSER="1")
    assert out.returncode == 1 and "MBO_REQUIRE_BROWSER" in out.stderr


def test_the_test_command_runs_the_check_before_pytest():
    lines = (REPO / "scripts" / "test.sh").read_text().splitlines()
    check = next(i for i, ln in enumerate(lines) if ln.startswith("bash scripts/need_browser.sh"))
    pytest_line = next(i for i, ln in enumerate(lines) if "-m pytest" in ln)
    assert lines[check].endswith("|| exit 1") and check < pytest_line
    assert "MBO_REQUIRE_BROWSER=1 bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()
