"""Unprovisioning ingest's keys: the de-duplication keys
(``<prefix>:ingest:seen:{tenant}:<event id>``) and the FreeSWITCH bridge's call state
(``<prefix>:ingest:freeswitch:{tenant}:<call>``).

A tenant's are all deleted. A service's stay: they name only the tenant, event ids, and
calls' ids, users and instants (no caller detail), and expire with ingest's de-duplication
window and the bridge's state TTL.
"""

from mysessions_platform.erasure import Counts, Scope, delete_keys, scan_keys, tenant_tag_glob
from redis.asyncio import Redis

__all__ = ["erase_ingest"]

SEEN = "ingest: de-duplication keys"
FREESWITCH_CALLS = "ingest: FreeSWITCH call state"

_KINDS = ((SEEN, "ingest:seen"), (FREESWITCH_CALLS, "ingest:freeswitch"))


async def erase_ingest(redis: Redis, prefix: str, scope: Scope) -> Counts:
    if not scope.whole_tenant:
        return {kind: 0 for kind, _ in _KINDS}
    counts: Counts = {}
    for kind, middle in _KINDS:
        pattern = tenant_tag_glob(prefix, middle, scope.tenant_id)
        found = [key async for key in scan_keys(redis, pattern)]
        counts[kind] = await delete_keys(redis, found, scope.dry_run)
    return counts
