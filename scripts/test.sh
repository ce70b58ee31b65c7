#!/usr/bin/env bash
# Set up and run the whole test suite (real model, real Chroma). Extra args go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
# without chromium the browser tests would skip and the run pass; fail instead, as CI does
# (MBO_SKIP_BROWSER=1 opts out; see README "Tests")
bash scripts/need_browser.sh || exit 1
# the one-way layer contract (pyproject.toml [tool.importlinter]): a back-edge fails the run
.venv/bin/lint-imports --no-cache || exit 1
.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "test.sh: pytest collected no tests; that is a failure here" >&2
  exit 1
fi
exit "$rc"
