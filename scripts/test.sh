#!/usr/bin/env bash
# The test command: set up, bring the real servers up if the selected tests need them, run
# the tests. Arguments go to pytest, e.g. `bash scripts/test.sh -m unit` (no server started)
# or `bash scripts/test.sh -x`; with none, every test runs (all markers).
#
# Two passes (see libs/platform/mysessions_platform/testing/tiers.py): every test side by
# side on TEST_WORKERS pytest-xdist workers, then the tests marked `serial` (they time CPU
# work) one at a time, on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never

# Tests mostly wait on the servers, so more workers than the 2 cores pay (measured: see the
# README). Each worker starts its own Chromium, uvicorn gateways and worker processes.
workers=${TEST_WORKERS:-4}

# Bytecode is cached (a machine may set PYTHONDONTWRITEBYTECODE): without it every pytest
# worker, every worker process a test starts and every CLI call compiled each module it
# imports from source, pytest's rewritten test modules included: about 6 CPU-seconds of
# the 11 a collection takes, seven collections per run.
unset PYTHONDONTWRITEBYTECODE

bash scripts/bootstrap.sh --python-only

servers_needed() {
    (($# == 0)) && return 0 # everything: integration and e2e tests among it
    local listing status=0
    listing=$(uv run pytest --collect-only -q --servers-needed "$@" 2>&1) || status=$?
    if ((status != 0 && status != 5)); then
        printf '%s\n' "$listing" >&2 # arguments pytest refuses, a test that fails to import
        exit "$status"
    fi
    grep -qx 'servers-needed: yes' <<<"$listing"
}

# One collection while the servers start (mostly waiting on a JVM): it writes the bytecode
# the parallel workers then read instead of each compiling it at the same moment, and
# lists the serial tests, so that the serial pass collects only their files.
serial_listing=$(mktemp)
trap 'rm -f "$serial_listing"' EXIT
uv run pytest --collect-only -q -p no:cacheprovider --serial-tests=only "$@" \
    >"$serial_listing" 2>&1 &
warming=$!

if servers_needed "$@"; then
    bash scripts/bootstrap.sh
    # A broker it starts compiles lean (see `infra up --help`): the suite is CPU-bound.
    uv run mysessions infra up --lean-kafka
else
    echo "test.sh: only tests that need no server are selected; starting none"
fi
listed=0
wait "$warming" || listed=$? # its failures are the real run's to report

# With no arguments, the serial pass is given the files of the serial tests the listing
# found (its node ids are `path::name…`): collecting all 2,000 tests to run 87 cost it
# 5 s. With arguments, or when the listing failed, it collects what the parallel pass did.
serial_files=()
if (($# == 0)) && ((listed == 0)); then
    mapfile -t serial_files < <(grep -o '^[^:[:space:]]*\.py::' "$serial_listing" | sed 's/::$//' | sort -u)
fi

# pytest's exit status 5 means "no tests collected": fine for one pass (a selection with no
# serial test, or only serial ones), a failure if both passes found nothing.
status=0
uv run pytest -n "$workers" --dist loadgroup --maxschedchunk 1 --durations=15 "$@" --serial-tests=exclude ||
    status=$?
serial=0
if (($# == 0)) && ((listed == 5)); then
    serial=5 # the listing found no serial test: nothing to run
else
    uv run pytest "$@" "${serial_files[@]}" --serial-tests=only -n 0 || serial=$?
fi
if ((status == 5 && serial == 5)); then
    echo "test.sh: pytest collected no tests; that is a failure here" >&2
    exit 1
fi
((status == 5)) && status=0
((serial == 5)) && serial=0
((status != 0)) && exit "$status"
exit "$serial"
