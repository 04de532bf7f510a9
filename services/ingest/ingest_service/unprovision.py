"""Unprovisioning ingest's keys: the de-duplication keys
(``<prefix>:ingest:seen:{tenant}:<event id>``), the FreeSWITCH bridge's call state
(``<prefix>:ingest:freeswitch:{tenant}:<call>``) and the AMI bridge's call state and outbox
(``<prefix>:ingest:ami:{tenant}:call:<linkedid>``, ``…:pending``).

A tenant's are all deleted. A service's stay: the first two name only the tenant, event
ids, and calls' ids, users and instants (no caller detail); the AMI bridge's hold a live
call's caller number and its not yet confirmed events, like any live state of a call in
progress, which the bridge needs to go on with the call (a call may move between
services); all expire with ingest's de-duplication window and the bridges' state TTL
(24 hours after a call's last event).
"""

from mysessions_platform.erasure import Counts, Scope, delete_keys, scan_keys, tenant_tag_glob
from redis.asyncio import Redis

__all__ = ["erase_ingest"]

SEEN = "ingest: de-duplication keys"
FREESWITCH_CALLS = "ingest: FreeSWITCH call state"
AMI_CALLS = "ingest: AMI call state"

_KINDS = (
    (SEEN, "ingest:seen"),
    (FREESWITCH_CALLS, "ingest:freeswitch"),
    (AMI_CALLS, "ingest:ami"),
)


async def erase_ingest(redis: Redis, prefix: str, scope: Scope) -> Counts:
    if not scope.whole_tenant:
        return {kind: 0 for kind, _ in _KINDS}
    counts: Counts = {}
    for kind, middle in _KINDS:
        pattern = tenant_tag_glob(prefix, middle, scope.tenant_id)
        found = [key async for key in scan_keys(redis, pattern)]
        counts[kind] = await delete_keys(redis, found, scope.dry_run)
    return counts
