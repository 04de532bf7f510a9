"""The context step for one batch: each session's events folded into its live context,
callers resolved, departures stored for the services that opted in.

One Redis round trip loads every session's live context of the batch, the sessions are
folded concurrently (one task each, in partition order within a session) so caller lookups
run side by side and a slow one (the CRM's deadline is ~2 s) holds the batch for at most
that deadline, then the departures are stored in MongoDB and one round trip writes the
contexts back (or removes those of ended sessions), with the mail of e-mail sessions
(``adapters.live_mail``: kept while the session lives, never after). Effects are
idempotent under redelivery: a live context remembers the events it applied, stored
records are insert-only by key, and an ended session leaves a data-free marker so that a
late or replayed event cannot revive it.
"""

import asyncio
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import contracts as c
import structlog
from aiokafka import ConsumerRecord
from mysessions_platform.clock import utc_now
from mysessions_platform.failures import describe
from mysessions_platform.kafka.deadletter import Rejection
from pydantic import ValidationError

from context_service.adapters.translate import TRANSCRIPT_EVENT_TYPES, to_change
from context_service.domain import (
    AddressKind,
    Caller,
    Change,
    Departure,
    Ended,
    LiveContext,
    anonymous,
    apply,
    records_to_store,
    with_caller,
)
from context_service.ports import (
    CallerLookup,
    LiveContextWriter,
    SessionKey,
    SettingsLookup,
    StoredContexts,
)
from context_service.transcripts_port import NoTranscripts, SessionLeft, TranscriptHandler

__all__ = ["CallerLookup", "ContextStep", "SettingsLookup", "utc_now"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Fold:
    context: LiveContext
    departures: list[Departure]
    ends: bool
    shown_changed: bool
    """Whether what a page shows of the live context (parameters, caller) changed."""


@dataclass
class StepCounts:
    """Totals since start, for the worker's figures."""

    stored: int = 0
    """Context records stored (new ones: a redelivery stores none again)."""


CALLER_LANES = 32
"""Lookups of a batch's callers at once, below the MongoDB client's pool (100 connections):
500 side by side made hundreds wait on PyMongo's pool. A lookup waiting for a lane here is
cancelled cleanly at its deadline; one that has a lane is never cancelled (see
``ContextStep._resolve``)."""


@dataclass
class ContextStep:
    live: LiveContextWriter
    stored: StoredContexts
    settings: SettingsLookup
    callers: CallerLookup
    transcripts: TranscriptHandler = field(default_factory=NoTranscripts)
    clock: Callable[[], datetime] = utc_now
    caller_deadline_s: float = 3.0
    """A guard above the resolver's own deadlines: past it the caller is Anonymous."""
    caller_lanes: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(CALLER_LANES))
    """How many of a batch's lookups run at once; the rest wait here, within their deadline."""
    counts: StepCounts = field(default_factory=StepCounts)
    _lookups: set["asyncio.Task[Caller]"] = field(default_factory=set, init=False, repr=False)
    """Lookups past their deadline, still finishing in their lane."""

    async def __call__(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Rejection]:
        rejected: list[Rejection] = []
        changes: dict[SessionKey, list[Change]] = defaultdict(list)
        mails: dict[SessionKey, c.EmailReceived] = {}
        transcript_events: list[c.SessionEvent] = []
        for record in records:
            try:
                event = c.decode_session_event(record.value or b"")
            except ValidationError as error:
                now = self.clock()
                rejected.append(Rejection(record, "invalid", c.explain(error), now, now, 1))
                continue
            if event.type in TRANSCRIPT_EVENT_TYPES:
                transcript_events.append(event)
            elif isinstance(event, c.EmailReceived):  # the latest mail of a session is kept
                mails[(event.tenant_id, event.session_id)] = event
            elif (change := to_change(event)) is not None:
                changes[(event.tenant_id, event.session_id)].append(change)
        now = self.clock()
        if transcript_events:  # first: a final transcript precedes the end in a batch
            await self.transcripts.handle(transcript_events, now)
        keys = list(changes.keys() | mails.keys())
        loaded = await self.live.load_many(keys)  # one round trip for the batch
        folds: list[asyncio.Task[Fold | None]] = []
        gone: set[SessionKey] = set()
        async with asyncio.TaskGroup() as sessions:  # callers resolved concurrently
            for key, (context, ended) in zip(keys, loaded, strict=True):
                if ended:  # stored at its end already; nothing of it is kept live
                    gone.add(key)
                elif key in changes:
                    folds.append(sessions.create_task(self._fold(key, changes[key], context)))
        done = [fold for task in folds if (fold := task.result()) is not None]
        gone |= {(f.context.tenant_id, f.context.session_id) for f in done if f.ends}
        await self._store([d for fold in done for d in fold.departures], now)
        await self.live.write_many(
            [fold.context for fold in done if not fold.ends],
            [fold.context for fold in done if fold.ends],
            [mail for key, mail in mails.items() if key not in gone],
            [(f.context.tenant_id, f.context.session_id) for f in done if f.shown_changed],
        )
        return rejected

    async def _fold(
        self, key: SessionKey, changes: list[Change], context: LiveContext | None
    ) -> "Fold | None":
        first = context = context or LiveContext(*key)
        departures: list[Departure] = []
        ends = False
        for change in changes:
            before = context
            context, left = apply(context, change)
            ends |= isinstance(change, Ended) and context is not before
            if context.needs_caller:
                context = with_caller(context, await self._resolve(context))
            departures += left
        shown = (context.parameters, context.caller) != (first.parameters, first.caller)
        return Fold(context, departures, ends, shown_changed=shown and not ends)

    async def _resolve(self, context: LiveContext) -> Caller:
        address, kind = context.caller_address, context.caller_kind
        if address is None or kind is None:
            raise ValueError("no caller to resolve")
        try:
            async with asyncio.timeout(self.caller_deadline_s):
                await self.caller_lanes.acquire()
                # Past the deadline the batch goes on without the answer, but the lookup is
                # left to finish (its own timeouts end it), never cancelled: PyMongo 4.20's
                # pool, cancelled under load while a lookup waited for a connection, kept its
                # lock taken, and every later lookup and the worker's stop waited forever
                # (the reporting keeps-up test hung three times, asyncio tasks dumped).
                lookup = asyncio.create_task(self._lookup_in_lane(context.tenant_id, address, kind))
                self._lookups.add(lookup)
                lookup.add_done_callback(self._lookup_done)
                return await asyncio.shield(lookup)
        except Exception as error:  # a lookup that fails or hangs: the caller is Anonymous
            log.warning("caller_unresolved", tenant_id=context.tenant_id, error=describe(error))
            return anonymous(address, kind)

    async def _lookup_in_lane(self, tenant_id: str, address: str, kind: AddressKind) -> Caller:
        try:
            return await self.callers.resolve(tenant_id, address, kind)
        finally:
            self.caller_lanes.release()

    def _lookup_done(self, lookup: "asyncio.Task[Caller]") -> None:
        self._lookups.discard(lookup)
        if not lookup.cancelled():
            lookup.exception()  # retrieved: the batch logged it, or went on without it

    async def _store(self, departures: list[Departure], now: datetime) -> None:
        if not departures:
            return
        decisions: dict[tuple[str, datetime], bool] = {}
        for departure in departures:
            settings = await self.settings.get(
                departure.context.tenant_id, departure.stay.service_id
            )
            decisions[(departure.stay.service_id, departure.at)] = settings.stores_context_at(
                departure.at
            )
        records = records_to_store(departures, lambda sid, at: decisions[(sid, at)], now)
        self.counts.stored += await self.stored.insert(records)
        left = [
            SessionLeft(
                departure.context.tenant_id,
                departure.context.session_id,
                departure.stay.service_session_id,
                departure.stay.service_id,
                decisions[(departure.stay.service_id, departure.at)],
            )
            for departure in departures
        ]
        await self.transcripts.on_sessions_left(left, now)
