"""Reporting's pending facts in memory (``reporting_service.ports.PendingFacts``)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mysessions_platform.testing.fakes import Outage
from reporting_service.adapters.facts_store import fact_key, fact_rev
from reporting_service.domain import SessionFact, SessionFacts, Task, Work
from reporting_service.ports import Fact, SessionKey

__all__ = ["InMemoryPendingFacts", "Tracked"]


@dataclass(frozen=True)
class Tracked:
    seen_at: datetime
    due_at: datetime


class InMemoryPendingFacts:
    """Insert-only like the collection: a fact is stored under its key (a task under its
    key and revision) and the first stored wins; a session's facts are read with each task
    at its highest revision. ``touch`` replaces a session's tracker."""

    def __init__(self) -> None:
        self.stored: dict[str, tuple[SessionKey, Fact]] = {}
        self.trackers: dict[SessionKey, Tracked] = {}
        self.outage = Outage()

    async def add(self, facts: Sequence[tuple[str, str, Fact]]) -> None:
        self.outage.check()
        for tenant, session, fact in facts:
            key = fact_key(tenant, session, fact)
            stored_as = f"{key}@{fact_rev(fact)}" if isinstance(fact, Task) else key
            self.stored.setdefault(stored_as, ((tenant, session), fact))

    async def touch(
        self, keys: Sequence[SessionKey], now: datetime, settle_until: datetime
    ) -> None:
        self.outage.check()
        for key in keys:
            self.trackers[key] = Tracked(now, settle_until)

    async def facts_of(self, tenant_id: str, session_id: str) -> SessionFacts:
        """As ``FactsStore.facts_of`` reads them (without the revisions it also returns)."""
        found = SessionFacts(tenant_id, session_id)
        for (tenant, session), fact in self.stored.values():
            if (tenant, session) != (tenant_id, session_id):
                continue
            match fact:
                case Task():
                    held = found.tasks.get(fact.user_session_id)
                    if held is None or held.rev < fact.rev:
                        found.tasks[fact.user_session_id] = fact
                case SessionFact():
                    found.events[fact.event_id] = fact
                case Work():
                    found.work[fact.user_session_id] = fact
        return found
