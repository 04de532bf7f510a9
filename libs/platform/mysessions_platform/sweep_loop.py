"""A periodic sweep that one worker of many runs at a time (``worker.loops.Periodic``).

The queue's watchdog and reporting's finalizer both sweep on a timer under a lease: only
the holder sweeps; a failed sweep is retried after a pause that doubles per failure in a
row, so a server that stays away is not hammered.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from mysessions_platform.worker.loops import Periodic, backoff

__all__ = ["Holder", "SweepLoop", "backoff"]


class Holder(Protocol):
    async def hold(self) -> bool:
        """True while this worker holds (or has just taken) the lease."""
        ...


@dataclass
class SweepLoop(Periodic):
    """Sweeps every ``interval_s`` while holding the lease; never ends on a failed sweep."""

    sweep: Callable[[], Awaitable[int]]
    lease: Holder
    interval_s: float
    what: str = "sweep"
    max_backoff_s: float | None = 600.0

    async def tick(self) -> int:
        """One sweep if this worker holds (or takes) the lease; else nothing."""
        return await self.sweep() if await self.lease.hold() else 0

    async def round(self) -> int:
        return await self.tick()
