"""Unprovisioning the gateway's write counters (``<prefix>:gateway:writes:{tenant:user}:…``,
two minutes each): a tenant's are deleted with it, since their names carry its users' ids."""

from mysessions_platform.erasure import Counts, Scope, delete_keys, scan_keys, tenant_tag_glob
from redis.asyncio import Redis

__all__ = ["erase_write_counters"]

COUNTERS = "gateway: write counters"


async def erase_write_counters(redis: Redis, prefix: str, scope: Scope) -> Counts:
    if not scope.whole_tenant:
        return {COUNTERS: 0}
    pattern = tenant_tag_glob(prefix, "gateway:writes", scope.tenant_id)
    found = [key async for key in scan_keys(redis, pattern)]
    return {COUNTERS: await delete_keys(redis, found, scope.dry_run)}
