"""Outages as answers: a Redis, MongoDB or Kafka that cannot be reached is a 503 with
``Retry-After``, never a 500 that leaks a trace, and never a guessed answer.

Only connection-level failures count: a refused command (``OperationFailure``) is a bug
and stays a 500, so it is seen and fixed rather than retried forever.
"""

import structlog
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

_OUTAGES = (
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionFailure,  # includes ServerSelectionTimeoutError, NetworkTimeout, AutoReconnect
    KafkaConnectionError,
    KafkaTimeoutError,
)
RETRY_AFTER_S = 5

_log = structlog.get_logger(__name__)


async def _unavailable(request: Request, error: Exception) -> JSONResponse:
    # The error's type only: messages can carry hosts and, from drivers, query values.
    _log.warning("outage answered 503", error=type(error).__name__, method=request.method)
    return JSONResponse(
        {"detail": "a server the gateway needs is unreachable; try again shortly"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def answer_outages(app: FastAPI) -> None:
    for kind in _OUTAGES:
        app.add_exception_handler(kind, _unavailable)
