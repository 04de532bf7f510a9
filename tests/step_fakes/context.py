"""The context worker's stores in memory (``context_service.ports``)."""

from collections.abc import Sequence
from datetime import datetime

import contracts as c
from context_service.domain import LiveContext, StoredContext
from context_service.ports import SessionKey
from mysessions_platform.testing.fakes import Outage

__all__ = ["InMemoryLiveContexts", "InMemoryStoredContexts"]


def _key(context: LiveContext | c.EmailReceived) -> SessionKey:
    return (context.tenant_id, context.session_id)


class InMemoryLiveContexts:
    """``live``, ``mails`` and the ``ended`` markers (the services visited), written in the
    order the Redis store writes them: mails, live contexts, then the ends, which remove the
    context and the mail. Lifetimes are left out: no step relies on them within a test."""

    def __init__(self) -> None:
        self.live: dict[SessionKey, LiveContext] = {}
        self.mails: dict[SessionKey, c.EmailReceived] = {}
        self.ended: dict[SessionKey, list[str]] = {}
        self.shown: list[SessionKey] = []
        """Every session whose pages were told, in the order told."""
        self.outage = Outage()

    async def load_many(
        self, sessions: Sequence[SessionKey]
    ) -> list[tuple[LiveContext | None, bool]]:
        self.outage.check()
        return [(self.live.get(key), key in self.ended) for key in sessions]

    async def write_many(
        self,
        live: Sequence[LiveContext],
        ended: Sequence[LiveContext],
        mails: Sequence[c.EmailReceived] = (),
        shown: Sequence[SessionKey] = (),
    ) -> None:
        self.outage.check()
        for mail in mails:
            self.mails[_key(mail)] = mail
        for context in live:
            self.live[_key(context)] = context
        for context in ended:
            self.live.pop(_key(context), None)
            self.mails.pop(_key(context), None)
            self.ended[_key(context)] = sorted({stay.service_id for stay in context.stays})
        self.shown += shown


class InMemoryStoredContexts:
    """Insert-only by (tenant, session, service session), like the collection's ``_id``."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str, str], StoredContext] = {}
        self.outage = Outage()

    async def insert(self, records: Sequence[StoredContext]) -> int:
        self.outage.check()
        new = 0
        for record in records:
            key = (record.tenant_id, record.session_id, record.service_session_id)
            if key not in self.records:
                self.records[key] = record
                new += 1
        return new

    async def for_session(
        self, tenant_id: str, session_id: str, now: datetime
    ) -> list[StoredContext]:
        """As ``StoredContextStore.for_session`` reads them: not expired, newest first."""
        found = [
            record
            for (tenant, session, _), record in sorted(self.records.items())
            if (tenant, session) == (tenant_id, session_id) and record.visible_at(now)
        ]
        return sorted(found, key=lambda r: (r.stored_at, r.left_at), reverse=True)
