#!/usr/bin/env bash
# Set up everything in .venv/ (idempotent; re-installs only when pyproject.toml changed).
# TORCH_SPEC picks the torch build; the default takes the CPU wheel this machine has on disk.
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
  .venv/bin/python -m pip install -q "$TORCH_SPEC"
  # llama-cpp-python (in .[llm]) compiles llama.cpp; skipping its multimodal library halves the build
  CMAKE_ARGS=${CMAKE_ARGS:-"-DLLAVA_BUILD=OFF"} .venv/bin/python -m pip install -q -e ".[dev,llm]"
  echo "$want" > "$stamp"
fi
