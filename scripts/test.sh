#!/usr/bin/env bash
# The test command: set up, bring the real servers up, run every test (all markers).
# Arguments go to pytest, e.g. `bash scripts/test.sh -m unit` or `bash scripts/test.sh -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

bash scripts/bootstrap.sh
uv run mysessions infra up

status=0
uv run pytest "$@" || status=$?
if ((status == 5)); then
    echo "test.sh: pytest collected no tests; that is a failure here" >&2
    exit 1
fi
exit "$status"
