"""The sweep: judges the sessions whose time came (``domain.finality``), writes the records
of the final ones, forgets what they no longer need, and publishes every record not yet
published.

Per page of due sessions, whatever its size: one read of their facts, one bulk of
postponements, one insert of all their records, one insert of their written markers, one
read of their trackers, one delete of their facts and one of their trackers. Markers and
late facts older than the late window are purged (at most once a minute).

One reporting worker sweeps at a time (a MongoDB lease); its loop never ends on a failed
sweep (logged, retried with backoff), and a loop that stops anyway stops its worker.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import structlog
from contracts import SessionRecord, encode
from mysessions_platform.kafka.deadletter import Publisher
from mysessions_platform.mongo import Document
from mysessions_platform.sweep_loop import SweepLoop as PlatformSweepLoop

from reporting_service.adapters.backlog import Snapshot
from reporting_service.adapters.conclusion import ConcludeAfterCallWork
from reporting_service.adapters.facts_store import fact_key, fact_rev, is_late
from reporting_service.adapters.translate import to_contract
from reporting_service.domain import (
    Final,
    FinalityRule,
    SessionFacts,
    Wait,
    build_records,
    decide,
    window_closes,
)
from reporting_service.ports import (
    JudgedFacts,
    ServiceSettingsLookup,
    SessionKey,
    SessionRecords,
    Tracker,
)
from reporting_service.step import late_document

log = structlog.get_logger(__name__)

DEFAULT_WINDOW = timedelta(hours=24)
DEFAULT_LATE_WINDOW = timedelta(days=7)
"""How long a written session's marker is kept: the session events' retention, so a replay
of that topic is still told apart from late facts."""
PURGE_EVERY = timedelta(minutes=1)


@dataclass
class FinalizerCounts:
    sessions: int = 0
    records: int = 0
    published: int = 0
    concluded_by_system: int = 0
    late: int = 0
    late_while_writing: int = 0
    purged: int = 0
    purged_late: int = 0
    failures: int = 0


@dataclass
class Finalizer:
    facts: JudgedFacts
    records: SessionRecords
    settings: ServiceSettingsLookup
    conclusion: ConcludeAfterCallWork
    publisher: Publisher
    target_topic: str
    clock: Callable[[], datetime]
    rule: FinalityRule = field(default_factory=FinalityRule)
    batch: int = 200
    max_pages: int = 20
    late_window: timedelta = DEFAULT_LATE_WINDOW
    counts: FinalizerCounts = field(default_factory=FinalizerCounts)
    purged_at: datetime | None = None
    _stored: list[SessionRecord] = field(default_factory=list, init=False, repr=False)
    """Records this finalizer stored and has not published yet: published as they are,
    without reading them back (``publish_pending``). Lost in a crash, they are still noted
    unpublished in MongoDB and published from there."""

    async def sweep(self, as_of: datetime | None = None) -> int:
        """Judges the sessions due at ``as_of`` (default: now; at most ``max_pages``
        pages) as of that instant, then publishes; returns how many sessions were written."""
        written = 0
        for _ in range(self.max_pages):
            due = await self.facts.due(as_of or self.clock(), self.batch)
            written += await self.judge(due, as_of)
            if len(due) < self.batch:
                break
        await self.publish_pending()
        await self.purge()
        return written

    async def purge(self) -> None:
        """Forgets the sessions written, and the late facts that arrived, longer ago than
        the late window."""
        now = self.clock()
        if self.purged_at is not None and now < self.purged_at + PURGE_EVERY:
            return
        self.counts.purged += await self.facts.purge(now - self.late_window)
        self.counts.purged_late += await self.records.purge_late(now - self.late_window)
        self.purged_at = now

    async def _windows(self, facts: SessionFacts) -> dict[str, timedelta]:
        windows: dict[str, timedelta] = {"": DEFAULT_WINDOW}
        for service_id in {task.service_id for task in facts.tasks.values() if task.service_id}:
            found = await self.settings.get(facts.tenant_id, service_id)
            windows[service_id] = timedelta(seconds=found.acw_window_s)
        return windows

    async def judge(self, due: list[Tracker], as_of: datetime | None = None) -> int:
        """Judges one page of due sessions; writes the final ones; returns how many."""
        read: dict[SessionKey, list[str]] = {}  # ids of the facts read: only those are deleted
        found = await self.facts.facts_of_many([tracker.key for tracker in due], read)
        written_before = await self.facts.written_of(tracker.key for tracker in due)
        now = self.clock()
        waits: list[tuple[Tracker, datetime | None]] = []
        finals: list[tuple[Tracker, dict[str, int]]] = []
        records = []
        late: list[Document] = []
        for tracker in due:
            facts, keys = found[tracker.key]
            if tracker.key in written_before:  # facts after its records: late
                marker = written_before[tracker.key]
                late += [
                    late_document(*tracker.key, key, rev, tracker.seen_at)
                    for key, rev in keys.items()
                    if is_late(marker, key, rev)
                ]
                continue
            windows = await self._windows(facts)
            decision = decide(facts, tracker.seen_at, as_of or now, windows, self.rule)
            if isinstance(decision, Wait):
                waits.append((tracker, decision.until))
                continue
            assert isinstance(decision, Final)
            for user_session_id in decision.conclude:
                task = facts.tasks[user_session_id]
                work = await self.conclusion.conclude(
                    facts.tenant_id, facts.session_id, task, window_closes(task, windows)
                )
                facts.work[user_session_id] = work
                work_key = fact_key(facts.tenant_id, facts.session_id, work)
                keys[work_key] = fact_rev(work)
                read.setdefault(tracker.key, []).append(work_key)  # stored under its key
                self.counts.concluded_by_system += work.concluded_by == "system"
            records += [to_contract(record, now) for record in build_records(facts)]
            finals.append((tracker, keys))
        await self.facts.wait(waits)
        if written_before:
            await self._late(late)
            await self.facts.forget(
                {t.key: t.seen_at for t in due if t.key in written_before}, read
            )
        if not finals:
            return 0
        self._stored += await self.records.insert(records)
        stored = await self.facts.mark_written([(t.key, keys) for t, keys in finals], now)
        seen = await self.facts.seen_at_of(t.key for t, _ in finals)
        for tracker, keys in finals:
            if seen.get(tracker.key) != tracker.seen_at or stored[tracker.key] != keys:
                await self._late_while_writing(tracker.key, stored[tracker.key], now, read)
        await self.facts.forget({t.key: t.seen_at for t, _ in finals}, read)
        self.counts.sessions += len(finals)
        self.counts.records += len(records)
        return len(finals)

    async def _late(self, late: list[Document]) -> None:
        """Records the late facts of sessions written before."""
        await self.records.add_late(late)
        self.counts.late += len(late)
        if late:
            log.warning("late facts after the records were written", count=len(late))

    async def _late_while_writing(
        self,
        session: SessionKey,
        written: dict[str, int],
        now: datetime,
        read: dict[SessionKey, list[str]],
    ) -> None:
        """Facts stored after the session was read for its records (or, judged again after
        a crash, absent from the records first written): late too."""
        _, keys = await self.facts.facts_of(*session, ids=read)
        late = [
            late_document(*session, key, rev, now)
            for key, rev in keys.items()
            if is_late(written, key, rev)
        ]
        await self.records.add_late(late)
        self.counts.late_while_writing += len(late)
        if late:
            log.warning("late facts after the records were written", count=len(late))

    async def publish_pending(self) -> None:
        """Publishes the records stored by this finalizer (as stored: a duplicate's first
        version is read back like any other), then every record still noted unpublished:
        left by a failed publish, or by a crash."""
        stored, self._stored = self._stored, []  # a failure leaves them to the reads below
        for start in range(0, len(stored), self.batch):
            await self._publish(stored[start : start + self.batch])
        while True:
            pending = await self.records.unpublished(self.batch)
            if not pending:
                return
            await self._publish(pending)
            if len(pending) < self.batch:
                return

    async def _publish(self, records: list[SessionRecord]) -> None:
        await self.publisher.publish_all(
            self.target_topic, [(r.session_id.encode(), encode(r)) for r in records]
        )
        await self.records.mark_published([r.record_id for r in records])
        self.counts.published += len(records)


class BacklogPort(Protocol):
    async def snapshot(self) -> Snapshot: ...

    async def reached(self, snapshot: Snapshot) -> bool: ...


@dataclass
class GatedSweep:
    """Sweeps only as of an instant before which the group has read everything (see
    ``adapters.backlog``): each tick checks the last snapshot, sweeps as of its instant if
    the group reached it, and takes the next one. Publishing the written records never waits."""

    finalizer: Finalizer
    backlog: BacklogPort
    snapshot: Snapshot | None = None

    async def __call__(self) -> int:
        written = 0
        if self.snapshot is not None and await self.backlog.reached(self.snapshot):
            written = await self.finalizer.sweep(as_of=self.snapshot.taken_at)
            self.snapshot = None
        else:
            await self.finalizer.publish_pending()
        if self.snapshot is None:
            self.snapshot = await self.backlog.snapshot()
        return written


SweepLoop = PlatformSweepLoop
"""Reporting's sweep runs in the shared loop (``mysessions_platform.sweep_loop``)."""
