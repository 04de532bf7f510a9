#!/usr/bin/env bash
# mypy --strict (settings in pyproject.toml) over every package and its tests, and the
# scripts (the import contracts' own contract type, the deploy checks) and deploy/image.
set -euo pipefail
cd "$(dirname "$0")/.."
uv run mypy libs services cli tests conftest.py benchmarks scripts deploy/image
