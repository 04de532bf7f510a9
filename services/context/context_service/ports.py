"""What the context step needs of the world, as ``Protocol``s: the composition root
(``entrypoints.app``) hands it the Redis, MongoDB and HTTP adapters, unit tests in-memory
fakes. (Transcripts have their own port: ``transcripts_port.TranscriptHandler``.)"""

from collections.abc import Sequence
from typing import Protocol

import contracts as c

from context_service.domain import AddressKind, Caller, LiveContext, StoredContext

__all__ = ["CallerLookup", "LiveContextWriter", "SessionKey", "SettingsLookup", "StoredContexts"]

SessionKey = tuple[str, str]
"""(tenant id, session id)."""


class SettingsLookup(Protocol):
    async def get(self, tenant_id: str, service_id: str) -> c.ServiceSettings: ...


class CallerLookup(Protocol):
    async def resolve(self, tenant: str, address: str, kind: AddressKind) -> Caller: ...


class LiveContextWriter(Protocol):
    """Each live session's context while it lives, and a marker once it ended
    (``adapters.live_store.LiveContextStore``)."""

    async def load_many(
        self, sessions: Sequence[SessionKey]
    ) -> list[tuple[LiveContext | None, bool]]:
        """Per session, in the order asked: its context (None if none yet) and whether it
        has ended (then it has no context: an ended session is never revived)."""
        ...

    async def write_many(
        self,
        live: Sequence[LiveContext],
        ended: Sequence[LiveContext],
        mails: Sequence[c.EmailReceived] = (),
        shown: Sequence[SessionKey] = (),
    ) -> None:
        """Saves the ``live`` contexts and the ``mails`` of live sessions; removes the
        ``ended`` ones and their mail, leaving each its marker; then tells the pages
        showing the ``shown`` sessions (of ``live``) that what they show changed."""
        ...


class StoredContexts(Protocol):
    """The records of the services that opted in (``adapters.stored_context``)."""

    async def insert(self, records: Sequence[StoredContext]) -> int:
        """Stores each record once (by tenant, session and service session): a repeat is
        left as first stored. Returns how many were new."""
        ...
