"""Closes the tasks of sessions gone silent, by writing a ``session.expired`` event.

The decision becomes an event in ``sessions.events.v1`` rather than a direct Redis edit, so
a rebuild replays it and every consumer (reporting, context) learns of it too. Its id is
derived from the session's last fact, so sweeps that all notice the same silence write the
same event, which the fact log absorbs as one. Silence is measured from the session's last
activity (any event, see domain/watchdog.py), per limit class (voice; e-mail and chat).

One queue worker sweeps at a time (a Redis lease, see :class:`SweepLoop`); a failed sweep is
logged, counted and tried again, and a sweeper that stops anyway stops its worker (the
worker shell supervises it).
"""

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

import structlog
from contracts import SessionExpired, encode
from mysessions_platform.kafka.deadletter import Publisher
from mysessions_platform.sweep_loop import SweepLoop as PlatformSweepLoop

from queue_service.domain import (
    IDLE_AFTER_MEDIA,
    LIMIT_CLASSES,
    Fact,
    IdleLimits,
    LimitClass,
    expiry_event_id,
    expiry_times,
    is_idle,
)
from queue_service.ports import IdleEntry, IdleSessions

log = structlog.get_logger(__name__)


@dataclass
class SweepCounts:
    """Totals since start, for logs and tests."""

    expired: int = 0
    forgotten: int = 0
    """Index entries removed because their session's facts had expired."""
    failures: int = 0


@dataclass
class Watchdog:
    store: IdleSessions
    publisher: Publisher
    topic: str
    idle_after: timedelta
    clock: Callable[[], datetime]
    batch: int = 500
    idle_after_media: timedelta = IDLE_AFTER_MEDIA
    max_pages: int = 20
    """Pages of ``batch`` entries per class per sweep: bounds one sweep's work."""
    counts: SweepCounts = field(default_factory=SweepCounts)
    remember: int = 100_000
    """How many expiries written by this worker it remembers, so it does not write them
    again while the queue has not folded them yet (a lagging queue, a long backlog)."""
    _written: "OrderedDict[UUID, None]" = field(default_factory=OrderedDict, repr=False)

    async def sweep(self) -> int:
        """Writes one expiry event per silent session; returns how many."""
        now = self.clock()
        limits = IdleLimits(self.idle_after, self.idle_after_media)
        expired = 0
        for each in LIMIT_CLASSES:
            expired += await self._sweep_class(each, limits.of(each), now)
        return expired

    async def _sweep_class(
        self, limit_class: LimitClass, idle_after: timedelta, now: datetime
    ) -> int:
        expired, offset = 0, 0
        for _ in range(self.max_pages):
            page = await self.store.idle_sessions(limit_class, now - idle_after, self.batch, offset)
            facts = await self.store.facts_of([entry.session for entry in page])
            stale: list[IdleEntry] = []
            expiries: list[SessionExpired] = []
            for entry in page:
                if not facts[entry.session]:
                    stale.append(entry)  # its facts expired: nothing left to close
                elif event := self._expiry(entry, facts[entry.session], idle_after, now):
                    expiries.append(event)
            expiries = [event for event in expiries if event.event_id not in self._written]
            forgotten = await self.store.forget_idle(limit_class, stale) if stale else 0
            await self.publisher.publish_all(
                self.topic, [(event.session_id.encode(), encode(event)) for event in expiries]
            )
            self._remember(event.event_id for event in expiries)
            if forgotten:
                log.info("forgot idle entries whose facts expired", count=forgotten)
            if expiries:
                log.info("expired silent sessions", count=len(expiries), limit=limit_class)
            self.counts.forgotten += forgotten
            self.counts.expired += len(expiries)
            expired += len(expiries)
            if len(page) < self.batch:
                break
            offset += len(page) - forgotten  # removed entries no longer take a place
        return expired

    def _remember(self, written: Iterable[UUID]) -> None:
        for value in written:
            self._written[value] = None
        while len(self._written) > self.remember:
            self._written.popitem(last=False)

    @staticmethod
    def _expiry(
        entry: IdleEntry, facts: list[Fact], idle_after: timedelta, now: datetime
    ) -> SessionExpired | None:
        last = max(facts, key=lambda fact: (fact.at, fact.event_id))
        active_at = max(entry.active_at, last.at)  # the index may lag behind a newer fact
        if not is_idle(active_at, now, idle_after):
            return None
        times = expiry_times(active_at, idle_after)
        session = entry.session
        return SessionExpired(
            event_id=UUID(expiry_event_id(session.tenant_id, session.session_id, last.event_id)),
            occurred_at=times.occurred_at,
            tenant_id=session.tenant_id,
            session_id=session.session_id,
            idle_since=times.idle_since,
        )


@dataclass
class SweepLoop(PlatformSweepLoop):
    """The watchdog's sweep loop, its failures also in ``counts``."""

    what: str = "watchdog sweep"
    counts: SweepCounts = field(default_factory=SweepCounts)

    def failed(self) -> None:
        super().failed()
        self.counts.failures += 1
