"""A store or the broker away answers 503 with ``Retry-After``: an outage the client
retries, never a 500 that leaks a trace, never an answer made up without the data."""

from collections.abc import Iterator
from contextlib import contextmanager

from aiokafka.errors import KafkaError
from fastapi import HTTPException, status
from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

__all__ = ["OUTAGES", "outage_as_503"]

OUTAGES = (RedisError, PyMongoError, KafkaError, OSError)
RETRY_AFTER_S = 5


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
