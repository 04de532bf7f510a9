"""A store or the broker away answers 503 with ``Retry-After``: an outage the client
retries, never a 500 that leaks a trace, never an answer made up without the data.

Routes wrap their store calls in ``outage_as_503``; ``answer_outages`` installs the same
answer app-wide for any call left unwrapped."""

from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from aiokafka.errors import KafkaError
from fastapi import FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pymongo.errors import PyMongoError
from redis.exceptions import RedisClusterException, RedisError

__all__ = ["OUTAGES", "answer_outages", "outage_as_503"]

# RedisClusterException: what a Redis Cluster client raises itself, outside RedisError (no
# node serves a slot, its slot map could not be learnt), during a failover for one.
OUTAGES = (RedisError, RedisClusterException, PyMongoError, KafkaError, OSError)
RETRY_AFTER_S = 5

_log = structlog.get_logger(__name__)


@contextmanager
def outage_as_503() -> Iterator[None]:
    try:
        yield
    except OUTAGES:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the service is briefly unavailable; try again shortly",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        ) from None


async def _unavailable(request: Request, error: Exception) -> JSONResponse:
    # The error's type and the route's template only: driver messages can carry query
    # values, and ids in a path are the caller's business.
    where = getattr(request.scope.get("route"), "path", "?")
    _log.warning("outage answered 503", error=type(error).__name__, route=where)
    return JSONResponse(
        {"detail": "the service is briefly unavailable; try again shortly"},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def answer_outages(app: FastAPI) -> None:
    """The same answer for an outage no route wrapped in ``outage_as_503``."""
    for kind in OUTAGES:
        app.add_exception_handler(kind, _unavailable)
