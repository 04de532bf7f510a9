#!/usr/bin/env bash
# The demo command: set up, start the local servers and the workers, simulate traffic, and
# show what agents see. Arguments go to `mysessions demo` (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

bash scripts/bootstrap.sh
uv run mysessions demo "$@"
