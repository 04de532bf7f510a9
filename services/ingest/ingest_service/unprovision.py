"""Unprovisioning ingest's de-duplication keys (``<prefix>:ingest:seen:{tenant}:<event id>``).

A tenant's are all deleted. A service's stay: they name only the tenant and an event id,
hold no caller detail, and expire with ingest's de-duplication window.
"""

from mysessions_platform.erasure import Counts, Scope, delete_keys, scan_keys, tenant_tag_glob
from redis.asyncio import Redis

__all__ = ["erase_ingest"]

SEEN = "ingest: de-duplication keys"


async def erase_ingest(redis: Redis, prefix: str, scope: Scope) -> Counts:
    if not scope.whole_tenant:
        return {SEEN: 0}
    pattern = tenant_tag_glob(prefix, "ingest:seen", scope.tenant_id)
    found = [key async for key in scan_keys(redis, pattern)]
    return {SEEN: await delete_keys(redis, found, scope.dry_run)}
