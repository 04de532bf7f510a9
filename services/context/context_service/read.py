"""The context service's published read API: what another package (the gateway, the CLI)
may read of the context service's state. Nothing else of ``context_service`` is imported
from outside it (``context_service.unprovision`` erases, ``__main__`` runs the worker); the
import contracts in ``pyproject.toml`` hold it.

Returned: contract types where one exists (``contracts.CallerView``, the live mail's
``contracts.EmailReceived``), else the context's own read models, frozen and named here
(``Panel``, ``TranscriptState``, ``StoredContext`` records of a ``StoredPage``). A reader is
built on clients, the key prefix and the settings cache only: nothing outside the context
service builds its writers, or gives them lifetimes of its own.
"""

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from contracts import CallerView
from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.cache import SettingsCache
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from context_service.adapters.live_mail import LiveMail
from context_service.adapters.live_store import LiveContexts
from context_service.adapters.stored_context import StoredContextStore
from context_service.adapters.stored_listing import (
    MAX_PAGE,
    MAX_SEARCH_CHARS,
    Position,
    StoredContextListing,
    StoredPage,
)
from context_service.domain import ANONYMOUS, NOT_AVAILABLE, StoredContext
from context_service.panel import Panel, not_available_panel
from context_service.show import ServicePanel, as_json, panels, render_text
from context_service.transcripts import TranscriptState
from context_service.transcripts.keys import captions_channel
from context_service.transcripts.ledger import RedisLedger
from context_service.transcripts.live_captions import RedisLiveCaptions
from context_service.transcripts.reader import TranscriptReader
from context_service.transcripts.store import MongoTranscripts
from context_service.transcripts_port import TranscriptStates

__all__ = [
    "ANONYMOUS",
    "MAX_PAGE",
    "MAX_SEARCH_CHARS",
    "NOT_AVAILABLE",
    "ContextReader",
    "LiveMail",
    "Panel",
    "Position",
    "ServicePanel",
    "StoredCallers",
    "StoredContext",
    "StoredPage",
    "StoredRecords",
    "TranscriptState",
    "as_json",
    "captions_channel",
    "not_available_panel",
    "render_text",
]

ServiceOfSession = tuple[str, str | None]


class StoredCallers:
    """The callers of ended tasks, from the records of services that opted in to storing
    context: what the queue's ``HistoryCallers`` port asks for. All the records a page
    needs are read at once (``StoredContextStore.latest_of``): one query where the server
    plans an ``$in`` by index, else one index-backed query per session, never one per
    task. Expired records are never used."""

    def __init__(
        self, database: AsyncDatabase[Document], now: datetime, lookup: IdLookup | None = None
    ) -> None:
        """``lookup``: how a page is read, detected on first use; a long-lived caller
        passes one it keeps (``ContextReader`` does), so it is detected once, not per
        request."""
        self._store = StoredContextStore(database, lookup)
        self._now = now

    async def stored_callers(
        self, tenant_id: str, sessions: Sequence[ServiceOfSession]
    ) -> Mapping[ServiceOfSession, CallerView]:
        of_a_service = {
            (session_id, service_id)
            for session_id, service_id in sessions
            if service_id is not None
        }
        records = await self._store.latest_of(tenant_id, of_a_service, self._now)
        callers: dict[ServiceOfSession, CallerView] = {}
        for pair, record in records.items():
            caller = record.caller
            if caller is None:
                continue
            address = None if caller.address_kind == "anonymous" else caller.address
            callers[pair] = CallerView(display_name=caller.label, address=address)
        return callers


class StoredRecords:
    """How many stored context records a tenant has (the demo's summary; expired records
    the purge has not deleted yet are counted too)."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._store = StoredContextStore(database)

    async def count(self, tenant_id: str) -> int:
        return await self._store.count(tenant_id)


class ContextReader:
    def __init__(
        self,
        redis: Redis,
        database: AsyncDatabase[Document],
        settings_cache: SettingsCache,
        prefix: str,
    ) -> None:
        self._database = database
        self._page_reads = IdLookup()  # the stored callers': detected once, at first use
        self._live = LiveContexts(redis, prefix)
        self._mail = LiveMail(redis, prefix)
        self._listing = StoredContextListing(database)
        self._transcripts = TranscriptReader(
            RedisLedger(redis, prefix),
            RedisLiveCaptions(redis, prefix),
            MongoTranscripts(database),
            settings_cache,
        )

    async def ensure_indexes(self) -> None:
        """The indexes the admin's listing reads by (idempotent; at start-up)."""
        await self._listing.ensure_indexes()

    async def panels(
        self, tenant_id: str, session_id: str, service_id: str | None, now: datetime
    ) -> list[ServicePanel]:
        """The session's detail panel per service, as ``mysessions context show`` prints
        it (a live session's live context; a concluded one's stored records)."""
        states = TranscriptStates(self._transcripts, now)
        return await panels(
            self._database, self._live, states, tenant_id, session_id, service_id, now
        )

    async def transcript(
        self, tenant_id: str, session_id: str, user_session_id: str, now: datetime
    ) -> TranscriptState:
        """One task's transcript: what its Transcription widget shows."""
        return await self._transcripts.state(tenant_id, session_id, user_session_id, now)

    @property
    def live_mail(self) -> LiveMail:
        """The mail of live e-mail sessions (``get``: None once the session ended)."""
        return self._mail

    def stored_callers(self, now: datetime) -> StoredCallers:
        return StoredCallers(self._database, now, self._page_reads)

    async def stored_of(
        self, tenant_id: str, sessions: Collection[tuple[str, str]], now: datetime
    ) -> Mapping[tuple[str, str], StoredContext]:
        """The unexpired stored context of each (session, service) that has one, read for
        a whole page at once (``StoredContextStore.latest_of``), never one query a row."""
        store = StoredContextStore(self._database, self._page_reads)
        return await store.latest_of(tenant_id, sessions, now)

    async def stored_sessions(
        self,
        tenant_id: str,
        now: datetime,
        limit: int,
        after: Position | None = None,
        search: str | None = None,
    ) -> StoredPage:
        """The tenant's stored context across its services, most recently stored first."""
        return await self._listing.page(tenant_id, now, limit, after, search)
