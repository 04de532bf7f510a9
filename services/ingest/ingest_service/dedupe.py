"""Remembers which events were already republished, in one atomic, expiring Redis key each.

A key is first claimed as ``pending`` and marked ``done`` only after Kafka confirmed the
republished event: a crash in between leaves ``pending``, which does not block the retry,
so no event is lost; at worst one is republished twice, which the consumers absorb.

A tenant's keys share a hash slot, so one script call claims (or confirms) all of a
batch's events of that tenant: one command per tenant instead of one per event.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Final

from mysessions_platform.lua import LuaScript, run_pipeline
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from ingest_service.keys import SeenKey

CLAIM: Final = LuaScript(
    """
-- KEYS: seen-event keys of one tenant; ARGV[1]: ttl of a pending claim (s).
-- Returns 1 for each key that was not done yet (and is now claimed), 0 for a duplicate.
local claimed = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == 'done' then
    claimed[i] = 0
  else
    redis.call('SET', key, 'pending', 'EX', ARGV[1])
    claimed[i] = 1
  end
end
return claimed
"""
)
CONFIRM: Final = LuaScript(
    """
-- KEYS: seen-event keys of one tenant; ARGV[1]: how long to remember them (s).
for _, key in ipairs(KEYS) do
  redis.call('SET', key, 'done', 'EX', ARGV[1])
end
return #KEYS
"""
)
SCRIPTS: Final = (CLAIM, CONFIRM)
PENDING_TTL_S: Final = 600


def _by_tenant(keys: Sequence[SeenKey]) -> dict[str, list[SeenKey]]:
    grouped: dict[str, list[SeenKey]] = defaultdict(list)
    for key in keys:
        grouped[key.tenant_id].append(key)
    return grouped


class Deduplicator:
    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self._redis = redis
        self._ttl_s = ttl_s

    async def claim(self, keys: Sequence[SeenKey]) -> list[bool]:
        """True for each key not yet done; one round trip for all."""
        if not keys:
            return []
        grouped = _by_tenant(keys)

        def claim_each_tenant(pipe: Pipeline) -> None:
            for tenant_keys in grouped.values():
                CLAIM.queue(pipe, [key.redis_key for key in tenant_keys], [PENDING_TTL_S])

        results = await run_pipeline(self._redis, SCRIPTS, claim_each_tenant)
        claimed = {
            key: bool(flag)
            for tenant_keys, flags in zip(grouped.values(), results, strict=True)
            for key, flag in zip(tenant_keys, flags, strict=True)
        }
        return [claimed[key] for key in keys]

    async def confirm(self, keys: Sequence[SeenKey]) -> None:
        if not keys:
            return
        grouped = _by_tenant(keys)

        def confirm_each_tenant(pipe: Pipeline) -> None:
            for tenant_keys in grouped.values():
                CONFIRM.queue(pipe, [key.redis_key for key in tenant_keys], [self._ttl_s])

        await run_pipeline(self._redis, SCRIPTS, confirm_each_tenant)
