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

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from contracts import CallerView
from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.cache import SettingsCache
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from context_service.adapters.caller_keys import caller_key
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
from context_service.domain.returning import MAX_EARLIER_SESSIONS, earlier_sessions
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
    "MAX_EARLIER_SESSIONS",
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
_Key = TypeVar("_Key")


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
        self,
        tenant_id: str,
        sessions: Sequence[ServiceOfSession],
        directory_upns: Mapping[ServiceOfSession, str] | None = None,
    ) -> Mapping[ServiceOfSession, CallerView]:
        """The stored record's caller per (session, service); where there is none, the
        directory's user of the UPN the queue kept for it (a service that stores nothing,
        the documentation's B: "John Doe (1)"), its name when the directory knows it now,
        else left out ("Not Available"). One directory query for both, never written back."""
        of_a_service = {
            (session_id, service_id)
            for session_id, service_id in sessions
            if service_id is not None
        }
        records = await self._store.latest_of(tenant_id, of_a_service, self._now)
        kept = {pair: upn for pair, upn in (directory_upns or {}).items() if pair not in records}
        shown, users = await _shown_again(
            self._directory, self._directory_lookup, tenant_id, records, kept.values()
        )
        callers: dict[ServiceOfSession, CallerView] = {
            pair: caller_view(r.caller) for pair, r in shown.items() if r.caller is not None
        }
        for pair, upn in kept.items():
            user = users.get(upn.strip().lower())
            if user is not None:
                callers[pair] = caller_view(replace(user, address=upn))
        return callers


async def _shown_again(
    directory: MongoDirectory,
    lookup: IdLookup,
    tenant_id: str,
    records: Mapping[_Key, StoredContext],
    also: Iterable[str] = (),
) -> tuple[dict[_Key, StoredContext], Mapping[str, Caller]]:
    """The records as shown: a record keeps only a directory caller's address, so the
    page's directory callers are looked up again now, all at once (the product's footnote:
    "the user name will always be resolved from a UPN / PSTN when it was found within the
    existing user directory"; never stored, never written back). One the directory no
    longer knows stays as stored: its address, no name. ``also``: more UPNs looked up in
    the same query; the directory's users found, by lower-cased UPN, are returned too."""
    again = [
        r.caller.address for r in records.values() if r.caller and r.caller.resolved_when_shown
    ]
    again += also
    found = await directory.find_many(tenant_id, again, lookup) if again else {}
    shown: dict[_Key, StoredContext] = {}
    for key, record in records.items():
        caller = record.caller
        user = (
            found.get(caller.address.strip().lower())
            if caller is not None and caller.resolved_when_shown
            else None
        )
        shown[key] = (
            record
            if user is None or caller is None
            else replace(
                record,
                caller=replace(user, address=caller.address, address_kind=caller.address_kind),
            )
        )
    return shown, found


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
        self._directory = MongoDirectory(database)
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
        a whole page at once (``StoredContextStore.latest_of``), never one query a row;
        directory callers looked up again, for the page at once (``_shown_again``)."""
        store = StoredContextStore(self._database, self._page_reads)
        records = await store.latest_of(tenant_id, sessions, now)
        shown, _ = await _shown_again(self._directory, self._directory_reads, tenant_id, records)
        return shown

    async def earlier_sessions(
        self, tenant_id: str, callers: Mapping[str, str | None], now: datetime
    ) -> Mapping[str, list[StoredContext]]:
        """For each live session of ``callers`` (session id -> the caller's number or
        address), the caller's earlier sessions whose service stored their context, not
        expired, newest first, at most ``MAX_EARLIER_SESSIONS`` (``domain.returning``).
        One index-backed query per distinct caller for the whole page, never one per row;
        sessions with nothing earlier are left out."""
        keyed = {session: caller_key(address) for session, address in callers.items()}
        keys = {key for key in keyed.values() if key is not None}
        if not keys:
            return {}
        store = StoredContextStore(self._database, self._page_reads)
        # A few more than shown: the current session's own records (a transfer) may be
        # among the newest, and the rule drops them.
        found = await store.of_callers(tenant_id, keys, MAX_EARLIER_SESSIONS + 5)
        earlier: dict[str, list[StoredContext]] = {}
        for session, key in keyed.items():
            if key is None:
                continue
            chosen = earlier_sessions(found.get(key, []), key, session, now)
            if chosen:
                earlier[session] = chosen
        return earlier

    async def stored_sessions(
        self,
        tenant_id: str,
        now: datetime,
        limit: int,
        after: Position | None = None,
        search: str | None = None,
    ) -> StoredPage:
        """The tenant's stored context across its services, most recently stored first,
        directory callers looked up again (the search matches what was stored: their
        address, never a name the directory gives them)."""
        page = await self._listing.page(tenant_id, now, limit, after, search)
        records = dict(enumerate(page.records))
        shown, _ = await _shown_again(self._directory, self._directory_reads, tenant_id, records)
        return replace(page, records=[shown[n] for n in range(len(page.records))])
