"""Remembers which events were already republished, in one atomic, expiring Redis key each.

A key is first claimed as ``pending`` and marked ``done`` only after Kafka confirmed the
republished event: a crash in between leaves ``pending``, which does not block the retry,
so no event is lost; at worst one is republished twice, which the consumers absorb.
"""

from collections.abc import Sequence
from typing import Final

from mysessions_platform.lua import LuaScript, run_pipeline
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

CLAIM: Final = LuaScript(
    """
if redis.call('GET', KEYS[1]) == 'done' then return 0 end
redis.call('SET', KEYS[1], 'pending', 'EX', ARGV[1])
return 1
"""
)
PENDING_TTL_S: Final = 600


class Deduplicator:
    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self._redis = redis
        self._ttl_s = ttl_s

    async def claim(self, keys: Sequence[str]) -> list[bool]:
        """True for each key not yet done; one round trip for all."""
        if not keys:
            return []

        def claim_each(pipe: Pipeline) -> None:
            for key in keys:
                CLAIM.queue(pipe, [key], [PENDING_TTL_S])

        results = await run_pipeline(self._redis, [CLAIM], claim_each)
        return [bool(result) for result in results]

    async def confirm(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(key, "done", ex=self._ttl_s)
            await pipe.execute()
