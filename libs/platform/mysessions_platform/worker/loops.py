"""The one periodic loop of every process: a round every interval, never dying quietly.

The queue's watchdog, reporting's sweep, the after-call-work and e-mail outboxes and
context's purge all run rounds on a timer. A failed round is logged (without values:
``describe``), counted, and tried again after a pause that doubles per failure in a row
(up to ``max_backoff_s``; ``None``: the plain interval). ``stop()`` ends the loop between
rounds, so a round under way finishes; nothing else ends it. A loop that ends any other way
(a bug that gets past the handler) is the worker shell's to notice: it stops the process
with a non-zero exit code, for its supervisor to restart it.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

from mysessions_platform.failures import Failure, classify, describe

__all__ = ["Every", "Periodic", "backoff"]

log = structlog.get_logger(__name__)


def backoff(interval_s: float, failures_in_a_row: int, max_s: float | None) -> float:
    """The pause before the next round: the interval, doubled per failure in a row."""
    if max_s is None:
        return interval_s
    return float(min(max_s, interval_s * 2 ** min(failures_in_a_row, 20)))


class Periodic:
    """Subclasses say what one round is (``round``) and set the fields below."""

    what: str = "round"
    interval_s: float = 1.0
    max_backoff_s: float | None = None
    starts_with_pause: bool = True
    """False: the first round runs at once (an outbox catching up after a restart)."""
    failures: int = 0
    done: int = 0
    """What the rounds returned, summed (sessions expired, records purged, saves sent)."""
    _stop: asyncio.Event | None = None

    async def round(self) -> int:
        raise NotImplementedError

    def failed(self) -> None:
        """Counts a failed round; subclasses may count more."""
        self.failures += 1

    def stop(self) -> None:
        """Ends the loop once the round under way (if any) is done."""
        self._stopping().set()

    async def run(self) -> None:
        in_a_row = 0
        if self.starts_with_pause and await self._paused(self.interval_s):
            return
        while not self._stopping().is_set():
            try:
                self.done += await self.round()
                in_a_row = 0
            except Exception as error:
                in_a_row += 1
                self.failed()
                level = log.warning if classify(error) is Failure.OUTAGE else log.error
                level(f"{self.what} failed, will retry", error=describe(error), failures=in_a_row)
            if await self._paused(backoff(self.interval_s, in_a_row, self.max_backoff_s)):
                return

    def _stopping(self) -> asyncio.Event:
        if self._stop is None:
            self._stop = asyncio.Event()
        return self._stop

    async def _paused(self, seconds: float) -> bool:
        """Waits ``seconds``; True when a stop was asked for meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping().wait(), seconds)
        return self._stopping().is_set()


@dataclass
class Every(Periodic):
    """``round_`` every ``interval_s``, the first at once."""

    round_: Callable[[], Awaitable[int]]
    interval_s: float
    what: str
    max_backoff_s: float | None = None
    starts_with_pause: bool = False

    async def round(self) -> int:
        return await self.round_()
