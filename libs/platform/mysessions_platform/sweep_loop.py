"""A periodic sweep that one worker of many runs at a time, and that never dies quietly.

The queue's watchdog and reporting's finalizer both sweep on a timer under a lease: a
failed sweep is logged (without values: ``describe``), counted, and tried again after a
pause that doubles per failure in a row; only cancellation ends the loop. The worker should
stop itself when the loop's task ends any other way (its supervisor then restarts it).
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import structlog

from mysessions_platform.failures import Failure, classify, describe

log = structlog.get_logger(__name__)


class Holder(Protocol):
    async def hold(self) -> bool:
        """True while this worker holds (or has just taken) the lease."""
        ...


def backoff(interval_s: float, failures_in_a_row: int, max_s: float) -> float:
    """The pause before the next sweep: the interval, doubled per failure in a row."""
    return float(min(max_s, interval_s * 2 ** min(failures_in_a_row, 20)))


@dataclass
class SweepLoop:
    """Sweeps every ``interval_s`` while holding the lease; never ends on a failed sweep."""

    sweep: Callable[[], Awaitable[int]]
    lease: Holder
    interval_s: float
    what: str = "sweep"
    max_backoff_s: float = 600.0
    failures: int = 0

    async def tick(self) -> int:
        """One sweep if this worker holds (or takes) the lease; else nothing."""
        return await self.sweep() if await self.lease.hold() else 0

    async def run(self) -> None:
        in_a_row = 0
        while True:
            await asyncio.sleep(backoff(self.interval_s, in_a_row, self.max_backoff_s))
            try:
                await self.tick()
                in_a_row = 0
            except Exception as error:
                in_a_row += 1
                self.failed()
                level = log.warning if classify(error) is Failure.OUTAGE else log.error
                level(f"{self.what} failed, will retry", error=describe(error), failures=in_a_row)

    def failed(self) -> None:
        """Counts a failed sweep; subclasses may count more."""
        self.failures += 1
