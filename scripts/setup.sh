#!/usr/bin/env bash
# Set up everything in .venv/ (idempotent; re-installs only when pyproject.toml changed).
# TORCH_SPEC picks the torch build (pip arguments); the default takes the CPU wheel this machine
# has on disk. Elsewhere: TORCH_SPEC="torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu".
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=.venv/.mbo-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $TORCH_SPEC"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing dependencies (a few minutes the first time)"
  .venv/bin/python -m pip install -q --upgrade pip
  # torch first, so the range in pyproject.toml is already satisfied by the CPU build
  # shellcheck disable=SC2086 # TORCH_SPEC may carry pip options, e.g. --index-url
  .venv/bin/python -m pip install -q $TORCH_SPEC
  # llama-cpp-python (in .[llm]) compiles llama.cpp; skipping its multimodal library halves the build
  CMAKE_ARGS=${CMAKE_ARGS:-"-DLLAVA_BUILD=OFF"} .venv/bin/python -m pip install -q -e ".[dev,llm]"
  echo "$want" > "$stamp"
fi
# The browser tests (tests/app/test_browser.py) drive Debian's chromium through Playwright; no
# browser is downloaded (`playwright install` is never run). Install it when missing and we can;
# otherwise say how (the browser tests skip themselves without /usr/bin/chromium, and fail under
# .ci/run). fonts-noto-color-emoji: the page's buttons use emoji, drawn as boxes without it.
need=""
[ -x /usr/bin/chromium ] || need="chromium"
[ -d /usr/share/fonts/truetype/noto ] || need="$need fonts-noto-color-emoji"
if [ -n "$need" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing $need and there is no apt-get; without chromium the browser tests are skipped" >&2
  elif [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; then
    SUDO=$([ "$(id -u)" -eq 0 ] || echo "sudo -n")
    echo "setup: installing $need for the browser tests"
    # shellcheck disable=SC2086 # $need is a word list
    $SUDO apt-get install -y -q $need >/dev/null 2>&1 \
      || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q $need >/dev/null 2>&1; } \
      || echo "setup: could not install $need; without chromium the browser tests are skipped" >&2
  else
    echo "setup: run 'sudo apt-get install -y $need' to enable the browser tests" \
         "(skipped without chromium)" >&2
  fi
fi
