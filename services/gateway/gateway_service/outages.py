"""Outages answer 503 with ``Retry-After``: Redis, MongoDB or Kafka away is a moment to
retry, never a wrong answer or a 500 that leaks a stack trace. One handler, registered for
each failure family in ``app.py``; the log names the failure's type, never its message
(a driver's message can quote the query, and so a caller's data)."""

from typing import Final

import structlog
from aiokafka.errors import KafkaError
from fastapi import Request
from fastapi.responses import JSONResponse
from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

__all__ = ["OUTAGES", "RETRY_AFTER_S", "outage"]

RETRY_AFTER_S: Final = 5
OUTAGES: Final[tuple[type[Exception], ...]] = (RedisError, PyMongoError, KafkaError)

_log = structlog.get_logger(__name__)


async def outage(request: Request, error: Exception) -> JSONResponse:
    route = request.scope.get("route")
    # The route's template, not the URL: ids in a path are the caller's business.
    where = getattr(route, "path", "?")
    _log.warning("backend unavailable", route=where, error=type(error).__name__)
    return JSONResponse(
        {"detail": "the service is unavailable right now; try again shortly"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )
