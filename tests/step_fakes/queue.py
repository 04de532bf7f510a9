"""The queue worker's store in memory (``queue_service.ports.SessionStore``)."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from mysessions_platform.testing.fakes import Outage
from queue_service.adapters.store_types import IdleEntry, SessionKey, SessionTasks
from queue_service.domain import Fact, LimitClass, Task, limit_class, without_caller
from queue_service.ports import Written

__all__ = ["InMemorySessionStore", "TaskKey"]

TaskKey = tuple[str, str, str]
"""(tenant id, user id, user session id)."""


class InMemorySessionStore:
    """What the step relies on, as the Redis scripts do it: a fact is kept as first stored
    (by event id); a task is stored unless a newer revision is (the same one again is
    unchanged), and an ended task updated before the history window is dropped; a session
    with a live task is in its class's idle index at its newest activity, which only moves
    forward; a session marked ``forget_callers`` keeps its facts without the caller.

    ``published`` lists every change in order (what the agents' channels and event streams
    are sent). The history's bound on entries and the keys' lifetimes are left out: no step
    relies on them within a test."""

    def __init__(self, history_window: timedelta = timedelta(days=30)) -> None:
        self.history_window = history_window
        self.facts: dict[SessionKey, dict[str, Fact]] = {}
        self.tasks: dict[TaskKey, Task] = {}
        self.idle: dict[SessionKey, tuple[LimitClass, datetime]] = {}
        self.published: list[Task] = []
        self.outage = Outage()

    async def append_facts(
        self, new_facts: Mapping[SessionKey, Sequence[Fact]]
    ) -> dict[SessionKey, list[Fact]]:
        self.outage.check()
        every: dict[SessionKey, list[Fact]] = {}
        for key, facts in new_facts.items():
            stored = self.facts.setdefault(key, {})
            for fact in facts:
                stored.setdefault(fact.event_id, fact)
            every[key] = list(stored.values())
        return every

    async def write(
        self,
        folded: Iterable[SessionTasks],
        now: datetime,
        activity: Mapping[SessionKey, datetime] | None = None,
    ) -> Written:
        self.outage.check()
        sessions = list(folded)
        changed, stored = 0, []
        for task in (task for session in sessions for task in session.tasks):
            result = self._upsert(task, now)
            changed += result == "changed"
            if result in ("changed", "unchanged"):
                stored.append(task)
        for session in sessions:
            self._index(session)
            if session.forget_callers:
                facts = self.facts.get(session.key, {})
                for event_id, fact in facts.items():
                    facts[event_id] = without_caller(fact)  # CALLER_FACT_FIELDS, dropped
        await self.touch(activity or {})
        return Written(changed, stored)

    async def touch(self, activity: Mapping[SessionKey, datetime]) -> None:
        self.outage.check()
        for key, at in activity.items():
            if key in self.idle and at > self.idle[key][1]:
                self.idle[key] = (self.idle[key][0], at)

    async def read_task(self, tenant_id: str, user_id: str, user_session_id: str) -> Task | None:
        """As ``TaskStore.read_task``."""
        return self.tasks.get((tenant_id, user_id, user_session_id))

    async def idle_sessions(
        self, limit_class: LimitClass, idle_before: datetime, limit: int, offset: int = 0
    ) -> list[IdleEntry]:
        """As ``TaskStore.idle_sessions``: oldest first (the session's id breaks ties)."""
        self.outage.check()
        entries = sorted(
            (at, key.tenant_id, key.session_id)
            for key, (each, at) in self.idle.items()
            if each == limit_class and at <= idle_before
        )
        return [
            IdleEntry(SessionKey(tenant, session), at)
            for at, tenant, session in entries[offset : offset + limit]
        ]

    async def facts_of(self, sessions: Sequence[SessionKey]) -> dict[SessionKey, list[Fact]]:
        """As ``TaskStore.facts_of``: none for a session whose facts expired (``expire``)."""
        self.outage.check()
        return {key: list(self.facts.get(key, {}).values()) for key in sessions}

    async def forget_idle(self, limit_class: LimitClass, entries: Sequence[IdleEntry]) -> int:
        """As ``TaskStore.forget_idle``: only entries no activity moved since they were read."""
        self.outage.check()
        removed = 0
        for entry in entries:
            if self.idle.get(entry.session) == (limit_class, entry.active_at):
                del self.idle[entry.session]
                removed += 1
        return removed

    def expire(self, key: SessionKey) -> None:
        """The session's facts outlived their lifetime (its index entry stays, as in Redis)."""
        self.facts.pop(key, None)

    def _upsert(self, task: Task, now: datetime) -> str:
        key = (task.tenant_id, task.user_id, task.user_session_id)
        held = self.tasks.get(key)
        if held is not None and task.rev < held.rev:
            return "stale"
        if held is not None and task.rev == held.rev and task == held:
            return "unchanged"
        if task.state == "ended" and task.updated_at < now - self.history_window:
            self.tasks.pop(key, None)
            return "too old"
        self.tasks[key] = task
        self.published.append(task)
        return "changed"

    def _index(self, session: SessionTasks) -> None:
        live = [task for task in session.tasks if task.state != "ended"]
        if not live:
            self.idle.pop(session.key, None)
            return
        own = limit_class(task.modality for task in session.tasks)
        held = self.idle.get(session.key)
        at = session.last_fact_at
        if held is not None and held[0] == own and held[1] > at:
            at = held[1]
        self.idle[session.key] = (own, at)
