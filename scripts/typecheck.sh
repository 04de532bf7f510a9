#!/usr/bin/env bash
# mypy --strict (settings in pyproject.toml) over every product package.
set -euo pipefail
cd "$(dirname "$0")/.."
uv run mypy \
    libs/contracts/contracts \
    libs/platform/mysessions_platform \
    cli/mysessions \
    services/ingest/ingest_service \
    services/queue/queue_service \
    services/context/context_service \
    services/reporting/reporting_service \
    services/gateway/gateway_service
