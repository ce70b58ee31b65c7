#!/usr/bin/env bash
# The main job: set up, bring the index up to date with corpus/ (fast when nothing changed),
# and start the web page on http://127.0.0.1:7860 (offline, embedded default model).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/mbo-assistant ingest
exec .venv/bin/python app.py "$@"
