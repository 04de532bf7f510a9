"""Unprovisioning the gateway's rate counters (``<prefix>:gateway:<budget>:{tenant:user}:…``
for writes and for reads, ``{tenant}`` for CRM tests, two minutes each): a tenant's are
deleted with it, since their names carry its id and its users' ids."""

from mysessions_platform.erasure import Counts, Scope, delete_keys, scan_keys, tenant_tag_glob
from redis.asyncio import Redis

from gateway_service.limits import BUDGET_KEYS

__all__ = ["erase_rate_counters"]

COUNTERS = "gateway: rate counters"


async def erase_rate_counters(redis: Redis, prefix: str, scope: Scope) -> Counts:
    if not scope.whole_tenant:
        return {COUNTERS: 0}
    found = [
        key
        for budget in BUDGET_KEYS
        async for key in scan_keys(
            redis, tenant_tag_glob(prefix, f"gateway:{budget}", scope.tenant_id)
        )
    ]
    return {COUNTERS: await delete_keys(redis, found, scope.dry_run)}
