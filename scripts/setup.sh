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
fi
# llama-cpp-python compiles llama.cpp. It is built PORTABLE: GGML_NATIVE=OFF, so no -march=native;
# the CPU needs AVX, AVX2, FMA and F16C (x86-64-v3: Intel Haswell 2013+, AMD Zen). A native build
# segfaulted on a Xeon with AVX-512/AMX. --no-cache-dir: pip's wheel cache is keyed by version, not by
# CMAKE_ARGS, so a natively built wheel cached by an earlier install would otherwise be reused.
# LLAMA_CMAKE_ARGS overrides the flags (e.g. "-DGGML_NATIVE=OFF -DGGML_AVX2=OFF" for an older CPU).
LLAMA_SPEC='llama-cpp-python[server]==0.3.36'
LLAMA_CMAKE_ARGS=${LLAMA_CMAKE_ARGS:-"-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF"}
llama_want="$LLAMA_SPEC $LLAMA_CMAKE_ARGS"
if [ "$(cat .venv/.mbo-llama 2>/dev/null)" != "$llama_want" ]; then
  mkdir -p build
  echo "setup: building llama-cpp-python without host-specific flags (about 4 min; log: build/llama-build.log)"
  if ! CMAKE_ARGS="$LLAMA_CMAKE_ARGS" .venv/bin/python -m pip install -v --no-cache-dir --force-reinstall \
      --no-deps "$LLAMA_SPEC" > build/llama-build.log 2>&1; then
    tail -20 build/llama-build.log >&2
    echo "setup: the llama-cpp-python build failed (full log: build/llama-build.log)" >&2
    exit 1
  fi
  echo "$llama_want" > .venv/.mbo-llama
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q -e ".[dev,llm]"
  echo "$want" > "$stamp"
fi
# The local model must load and generate on THIS CPU. Checked in a subprocess, so an illegal
# instruction or a segfault becomes this message instead of a crash in the app or the tests.
if [ "$(cat .venv/.mbo-llm-checked 2>/dev/null)" != "$llama_want $(uname -m) $(grep -m1 -o 'model name.*' /proc/cpuinfo 2>/dev/null)" ]; then
  if ! .venv/bin/python -m assistant.models.check; then
    echo "setup: the local model does not run on this CPU (see above). Fix: rebuild for it with" \
         "LLAMA_CMAKE_ARGS=\"-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX2=OFF -DGGML_FMA=OFF\" bash scripts/setup.sh," \
         "or use a remote model (MBO_LLM_BACKEND=openai); extractive mode does not need it" >&2
    exit 1
  fi
  echo "$llama_want $(uname -m) $(grep -m1 -o 'model name.*' /proc/cpuinfo 2>/dev/null)" > .venv/.mbo-llm-checked
fi
# The browser tests (tests/app/test_browser.py) drive Debian's chromium through Playwright; no
# browser is downloaded (`playwright install` is never run). Install it when missing and we can;
# otherwise say how (without /usr/bin/chromium scripts/test.sh and .ci/run fail, see
# scripts/need_browser.sh; MBO_SKIP_BROWSER=1 bash scripts/test.sh skips the browser tests).
# fonts-noto-color-emoji: the page's buttons use emoji, drawn as boxes without it.
need=""
[ -x /usr/bin/chromium ] || need="chromium"
[ -d /usr/share/fonts/truetype/noto ] || need="$need fonts-noto-color-emoji"
if [ -n "$need" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing $need and there is no apt-get; scripts/test.sh needs chromium (or MBO_SKIP_BROWSER=1)" >&2
  elif [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; then
    SUDO=$([ "$(id -u)" -eq 0 ] || echo "sudo -n")
    echo "setup: installing $need for the browser tests"
    # shellcheck disable=SC2086 # $need is a word list
    $SUDO apt-get install -y -q $need >/dev/null 2>&1 \
      || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q $need >/dev/null 2>&1; } \
      || echo "setup: could not install $need; scripts/test.sh needs chromium (or MBO_SKIP_BROWSER=1)" >&2
  else
    echo "setup: run 'sudo apt-get install -y $need' for the browser tests" \
         "(scripts/test.sh fails without chromium unless MBO_SKIP_BROWSER=1)" >&2
  fi
fi
