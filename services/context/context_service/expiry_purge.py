"""Deletes expired records where the database refused a TTL index (FerretDB v1); reads
filter expired records out meanwhile, so a late purge never shows one."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from mysessions_platform.clock import Clock, utc_now

__all__ = ["ExpiryPurge"]


@dataclass
class ExpiryPurge:
    """``prepare`` once at start (creates the indexes); then each call is one purge round,
    a no-op where the server expires records itself."""

    ensure_indexes: Callable[[], Awaitable[bool]]
    """True when the server took the TTL index."""
    purge: Callable[[datetime], Awaitable[int]]
    clock: Clock = utc_now
    needed: bool = False

    async def prepare(self) -> None:
        self.needed = not await self.ensure_indexes()

    async def __call__(self) -> int:
        return await self.purge(self.clock()) if self.needed else 0
