"""Per-user request counters for the rate limits (``gateway_service.limits``): the port,
and its Redis adapter, shared by every gateway instance."""

from typing import Protocol

from redis.asyncio import Redis

__all__ = ["RedisRequestCounter", "RequestCounter"]


class RequestCounter(Protocol):
    async def add(self, key: str, ttl_s: int) -> int:
        """Counts one request under ``key`` (kept ``ttl_s``); the count so far. Raises
        ``redis.exceptions.RedisError`` when it cannot count (the limiter answers 503)."""
        ...


class RedisRequestCounter:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def add(self, key: str, ttl_s: int) -> int:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, ttl_s)
            count, _ = await pipe.execute()
        return int(count)
