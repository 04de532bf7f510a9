"""A Redis lease: at most one holder at a time, lost unless renewed within its ttl.

Only the holder sweeps, so N queue workers write each expiry once, not N times; if the
holder dies, another worker takes over once the lease expired.
"""

import os
import socket
import uuid
from datetime import timedelta

from mysessions_platform.lua import run_pipeline
from redis.asyncio import Redis

from queue_service.adapters.watchdog_scripts import RELEASE_LEASE, RENEW_LEASE


def new_owner() -> str:
    """Unique per process start; host and pid only help a reader of the key."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Lease:
    def __init__(self, redis: Redis, key: str, ttl: timedelta, owner: str | None = None) -> None:
        self._redis = redis
        self._key = key
        self._ttl_ms = max(1, int(ttl.total_seconds() * 1000))
        self.owner = owner or new_owner()

    async def hold(self) -> bool:
        """Takes the lease if free, renews it if ours; True while we hold it."""
        if await self._redis.set(self._key, self.owner, nx=True, px=self._ttl_ms):
            return True
        (renewed,) = await run_pipeline(
            self._redis,
            (RENEW_LEASE,),
            lambda pipe: RENEW_LEASE.queue(pipe, [self._key], [self.owner, self._ttl_ms]),
        )
        return bool(renewed)

    async def release(self) -> None:
        """Frees the lease at shutdown, so another worker need not wait for the ttl."""
        await run_pipeline(
            self._redis,
            (RELEASE_LEASE,),
            lambda pipe: RELEASE_LEASE.queue(pipe, [self._key], [self.owner]),
        )
