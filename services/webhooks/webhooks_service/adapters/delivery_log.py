"""The delivery log an owner reads: each endpoint's most recent attempts, bounded.

An entry says which message (its id and event type), which attempt, when, the status
code or the kind of failure, how long it took and what followed; never a payload value
or a response body (only the body's size, as read).
"""

import json
from typing import Literal

from mysessions_platform.redis_client import RedisClient
from pydantic import BaseModel

from webhooks_service.adapters.keys import EndpointKeys

__all__ = ["Attempt", "DeliveryLog", "Outcome"]

LOG_TTL_S = 30 * 86400

Outcome = Literal["delivered", "retrying", "dead-lettered", "endpoint-gone", "refused"]


class Attempt(BaseModel):
    at: float
    message_id: str
    event_type: str
    attempt: int
    status_code: int | None
    error: str | None
    """The kind of failure without a status (``timeout``, ``connect``, ``refused-target``)."""
    duration_ms: int
    outcome: Outcome


class DeliveryLog:
    def __init__(self, redis: RedisClient, prefix: str, entries: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.entries = entries

    async def add(self, endpoint_id: str, attempt: Attempt) -> None:
        key = EndpointKeys(self.prefix, endpoint_id).log
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(key, attempt.model_dump_json())
            pipe.ltrim(key, 0, self.entries - 1)
            # An attempt settled just after its endpoint was removed would leave the log
            # behind; it goes by itself a while after the endpoint's last attempt.
            pipe.expire(key, LOG_TTL_S)
            await pipe.execute()

    async def recent(self, endpoint_id: str, limit: int | None = None) -> list[Attempt]:
        """Newest first."""
        key = EndpointKeys(self.prefix, endpoint_id).log
        stop = (limit or self.entries) - 1
        raw = await self.redis.lrange(key, 0, stop)
        return [Attempt.model_validate(json.loads(entry)) for entry in raw]
