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
from dataclasses import dataclass, replace
from datetime import datetime

from contracts import CallerView
from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.cache import SettingsCache
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from context_service.adapters.directory import MongoDirectory
from context_service.adapters.live_mail import LiveMail
from context_service.adapters.live_store import LiveContexts, context_channel
from context_service.adapters.stored_context import StoredContextStore
from context_service.adapters.stored_listing import (
    MAX_PAGE,
    MAX_SEARCH_CHARS,
    Position,
    StoredContextListing,
    StoredPage,
)
from context_service.domain import ANONYMOUS, NOT_AVAILABLE, Caller, StoredContext
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
    "LiveStay",
    "Panel",
    "Position",
    "ServicePanel",
    "StoredCallers",
    "StoredContext",
    "StoredPage",
    "StoredRecords",
    "TranscriptState",
    "as_json",
    "caller_view",
    "captions_channel",
    "context_channel",
    "not_available_panel",
    "render_text",
]

ServiceOfSession = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class LiveStay:
    """One service session of a live session: what a connector call names and is scoped by."""

    service_session_id: str
    service_id: str
    open: bool


def caller_view(caller: Caller) -> CallerView:
    """What a list row shows of a resolved caller: its label, address, company and the
    source that knew it (none for a caller nobody knew, whose name upstream sent stays)."""
    return CallerView(
        display_name=caller.label,
        address=None if caller.address_kind == "anonymous" else caller.address,
        company=caller.company or None,
        source=None if caller.source == "none" else caller.source,
    )


class StoredCallers:
    """The callers of ended tasks, from the records of services that opted in to storing
    context: what the queue's ``HistoryCallers`` port asks for. All the records a page
    needs are read at once (``StoredContextStore.latest_of``): one query where the server
    plans an ``$in`` by index, else one index-backed query per session, never one per
    task. Expired records are never used."""

    def __init__(
        self,
        database: AsyncDatabase[Document],
        now: datetime,
        lookup: IdLookup | None = None,
        directory_lookup: IdLookup | None = None,
    ) -> None:
        """``lookup`` and ``directory_lookup``: how a page's records and its directory
        callers are read, detected on first use; a long-lived caller passes ones it keeps
        (``ContextReader`` does), so they are detected once, not per request."""
        self._store = StoredContextStore(database, lookup)
        self._directory = MongoDirectory(database)
        self._directory_lookup = directory_lookup or IdLookup()
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
        kept = {pair: r.caller for pair, r in records.items() if r.caller is not None}
        # A record keeps only a directory caller's address: the page's are looked up again
        # now, all at once (the product's footnote: resolved when shown, never stored).
        again = [c.address for c in kept.values() if c.resolved_when_shown]
        found = await self._directory.find_many(tenant_id, again, self._directory_lookup)
        callers: dict[ServiceOfSession, CallerView] = {}
        for pair, caller in kept.items():
            user = found.get(caller.address.strip().lower()) if caller.resolved_when_shown else None
            callers[pair] = caller_view(replace(user, address=caller.address) if user else caller)
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
        self._directory_reads = IdLookup()  # the directory callers shown again: likewise
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
        return StoredCallers(self._database, now, self._page_reads, self._directory_reads)

    async def live_callers(
        self, tenant_id: str, session_ids: Sequence[str]
    ) -> Mapping[str, CallerView]:
        """The caller a source (address book, directory, CRM) resolved, per live session
        of ``session_ids`` that has one: what the detail panel shows, for a whole list page
        in one Redis round trip. Sessions nobody resolved, or that ended, are left out."""
        unique = list(dict.fromkeys(session_ids))
        loaded = await self._live.load_many([(tenant_id, session) for session in unique])
        return {
            session: caller_view(context.caller)
            for session, (context, ended) in zip(unique, loaded, strict=True)
            if context is not None
            and not ended
            and context.caller is not None
            and not context.caller.is_anonymous
        }

    async def live_stays(self, tenant_id: str, session_id: str) -> list[LiveStay] | None:
        """The service sessions of the tenant's live session, oldest first; None when the
        tenant has no such session live (never seen, ended, or another tenant's)."""
        context, ended = await self._live.load(tenant_id, session_id)
        if context is None or ended:
            return None
        return [LiveStay(s.service_session_id, s.service_id, s.open) for s in context.stays]

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
