"""Reporting's stores in memory (``reporting_service.ports``): the pending facts the step
adds and the sweep judges, and the records the sweep writes."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from contracts import SessionRecord
from mysessions_platform.mongo import Document
from mysessions_platform.testing.fakes import Outage
from reporting_service.adapters.facts_store import NEVER, fact_key, fact_rev
from reporting_service.domain import SessionFact, SessionFacts, Task, Work
from reporting_service.ports import Fact, SessionKey, Tracker

__all__ = ["InMemoryPendingFacts", "InMemoryRecords", "Tracked"]


@dataclass(frozen=True)
class Tracked:
    seen_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class _Stored:
    session: SessionKey
    key: str
    rev: int
    fact: Fact


class InMemoryPendingFacts:
    """Insert-only like the collections: a fact is stored under its key (a task under its
    key and revision) and the first stored wins; a session's facts are read with each task
    at its highest revision. ``touch`` replaces a session's tracker; ``wait`` and ``forget``
    leave a tracker a fact touched since it was read. A written session's marker is its
    first one. ``purge`` takes markers written before the instant exactly (the store goes
    by the hour): no test relies on the difference."""

    def __init__(self) -> None:
        self.stored: dict[str, _Stored] = {}
        self.trackers: dict[SessionKey, Tracked] = {}
        self.markers: dict[SessionKey, tuple[dict[str, int], datetime]] = {}
        self.outage = Outage()

    async def add(self, facts: Sequence[tuple[str, str, Fact]]) -> None:
        self.outage.check()
        for tenant, session, fact in facts:
            key, rev = fact_key(tenant, session, fact), fact_rev(fact)
            stored_as = f"{key}@{rev}" if isinstance(fact, Task) else key
            self.stored.setdefault(stored_as, _Stored((tenant, session), key, rev, fact))

    async def add_work(self, tenant_id: str, session_id: str, work: Work) -> Work:
        """As ``FactsStore.add_work``: the first save wins, and is returned."""
        await self.add([(tenant_id, session_id, work)])
        kept = self.stored[fact_key(tenant_id, session_id, work)].fact
        assert isinstance(kept, Work)
        return kept

    async def touch(
        self, keys: Sequence[SessionKey], now: datetime, settle_until: datetime
    ) -> None:
        self.outage.check()
        for key in keys:
            self.trackers[key] = Tracked(now, settle_until)

    async def due(self, now: datetime, limit: int) -> list[Tracker]:
        self.outage.check()
        due = [Tracker(*key, t.seen_at, t.due_at) for key, t in self.trackers.items()]
        return [tracker for tracker in due if tracker.due_at <= now][:limit]

    async def facts_of_many(
        self, keys: Sequence[SessionKey], ids: dict[SessionKey, list[str]] | None = None
    ) -> dict[SessionKey, tuple[SessionFacts, dict[str, int]]]:
        self.outage.check()
        found = {key: (SessionFacts(*key), dict[str, int]()) for key in keys}
        for stored_as, stored in self.stored.items():
            if stored.session not in found:
                continue
            facts, revs = found[stored.session]
            if ids is not None:
                ids.setdefault(stored.session, []).append(stored_as)
            if stored.key in revs and revs[stored.key] >= stored.rev:
                continue
            revs[stored.key] = stored.rev
            match stored.fact:
                case Task() as task:
                    facts.tasks[task.user_session_id] = task
                case SessionFact() as event:
                    facts.events[event.event_id] = event
                case Work() as work:
                    facts.work[work.user_session_id] = work
        return found

    async def facts_of(
        self, tenant_id: str, session_id: str, ids: dict[SessionKey, list[str]] | None = None
    ) -> tuple[SessionFacts, dict[str, int]]:
        key = (tenant_id, session_id)
        return (await self.facts_of_many([key], ids))[key]

    async def written_of(self, keys: Iterable[SessionKey]) -> dict[SessionKey, dict[str, int]]:
        self.outage.check()
        return {key: dict(self.markers[key][0]) for key in keys if key in self.markers}

    async def wait(self, waits: Sequence[tuple[Tracker, datetime | None]]) -> None:
        self.outage.check()
        for tracker, until in waits:
            held = self.trackers.get(tracker.key)
            if held is not None and held.seen_at == tracker.seen_at:
                self.trackers[tracker.key] = Tracked(held.seen_at, until or NEVER)

    async def mark_written(
        self, written: Sequence[tuple[SessionKey, dict[str, int]]], now: datetime
    ) -> dict[SessionKey, dict[str, int]]:
        self.outage.check()
        for key, revs in written:
            self.markers.setdefault(key, (dict(revs), now))
        return {key: dict(self.markers[key][0]) for key, _ in written}

    async def seen_at_of(self, keys: Iterable[SessionKey]) -> dict[SessionKey, datetime]:
        self.outage.check()
        return {key: self.trackers[key].seen_at for key in keys if key in self.trackers}

    async def forget(
        self, sessions: Mapping[SessionKey, datetime], read: Mapping[SessionKey, list[str]]
    ) -> None:
        self.outage.check()
        for key in sessions:
            for stored_as in read.get(key, []):
                if stored_as in self.stored and self.stored[stored_as].session == key:
                    del self.stored[stored_as]
        for key, seen_at in sessions.items():
            held = self.trackers.get(key)
            if held is not None and held.seen_at == seen_at:
                del self.trackers[key]

    async def purge(self, written_before: datetime) -> int:
        self.outage.check()
        old = [key for key, (_, at) in self.markers.items() if at < written_before]
        for key in old:
            del self.markers[key]
        return len(old)


class InMemoryRecords:
    """Insert-only records, noted unpublished until marked; late facts once each."""

    def __init__(self) -> None:
        self.records: dict[str, SessionRecord] = {}
        self.pending: set[str] = set()
        self.late: dict[str, Document] = {}
        self.outage = Outage()

    async def insert(self, records: list[SessionRecord]) -> list[SessionRecord]:
        self.outage.check()
        self.pending |= {record.record_id for record in records}
        stored = [record for record in records if record.record_id not in self.records]
        for record in records:
            self.records.setdefault(record.record_id, record)
        return stored

    async def unpublished(self, limit: int) -> list[SessionRecord]:
        self.outage.check()
        ids = sorted(self.pending)[:limit]
        self.pending -= {id_ for id_ in ids if id_ not in self.records}
        return [self.records[id_] for id_ in ids if id_ in self.records]

    async def mark_published(self, record_ids: list[str]) -> None:
        self.outage.check()
        self.pending -= set(record_ids)

    async def add_late(self, late: list[Document]) -> None:
        self.outage.check()
        for document in late:
            self.late.setdefault(document["_id"], document)

    async def purge_late(self, arrived_before: datetime) -> int:
        self.outage.check()
        old = [id_ for id_, doc in self.late.items() if doc["arrived_at"] < arrived_before]
        for id_ in old:
            del self.late[id_]
        return len(old)

    async def of_session(self, tenant_id: str, session_id: str) -> list[SessionRecord]:
        return [
            record
            for record in self.records.values()
            if (record.tenant_id, record.session_id) == (tenant_id, session_id)
        ]

    async def late_facts(self, tenant_id: str, session_id: str) -> list[Document]:
        return [
            doc
            for doc in self.late.values()
            if (doc["tenant_id"], doc["session_id"]) == (tenant_id, session_id)
        ]
