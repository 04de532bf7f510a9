#!/usr/bin/env bash
# mypy --strict (settings in pyproject.toml) over every package and its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
uv run mypy libs services cli tests conftest.py benchmarks scripts/import_contracts.py
