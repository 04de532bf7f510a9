"""What the context worker calls: the transcripts' use cases, wired to their adapters.

``TranscriptHandler.handle(events, now)`` takes every session event of a batch (in order)
and acts on ``transcript.*``; ``session.queued``, ``task.offered``, ``task.accepted`` and
``outbound.dialing`` only teach it which task and service a caption belongs to (the ledger).
Captions are kept only while their service session lives (``on_session_left`` clears them;
a late caption for a service session already left is dropped) and not at all where the
service has transcription off; the final transcript is stored only where it is on. All of it
is idempotent: a redelivered batch leaves the same keys and documents.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import contracts as c
from mysessions_platform.key_parts import split_tag
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.cache import SettingsCache
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from context_service.transcripts import keys
from context_service.transcripts.domain import (
    Caption,
    TranscriptLine,
    TranscriptState,
    transcript_state,
)
from context_service.transcripts.ledger import (
    Ledger,
    RedisLedger,
    captioned_field,
    left_field,
    service_field,
    task_field,
)
from context_service.transcripts.live_captions import RedisLiveCaptions
from context_service.transcripts.store import MongoTranscripts

__all__ = [
    "TranscriptHandler",
    "TranscriptReader",
    "TranscriptStore",
    "Transcripts",
    "make_transcripts",
]

SessionKey = tuple[str, str]


def _caption(segment: c.TranscriptSegment) -> Caption:
    return Caption(
        service_session_id=segment.service_session_id,
        segment_id=segment.segment_id,
        speaker=segment.speaker,
        start_ms=segment.start_ms,
        end_ms=segment.end_ms,
        text=segment.text,
        final=segment.final,
        user_session_id=segment.user_session_id,
    )


def _ms(now: datetime) -> str:
    return str(int(now.timestamp() * 1000))


class TranscriptHandler:
    def __init__(
        self,
        ledger: RedisLedger,
        live: RedisLiveCaptions,
        store: MongoTranscripts,
        settings: SettingsCache,
    ) -> None:
        self._ledger = ledger
        self._live = live
        self._store = store
        self._settings = settings

    async def _transcribes(self, tenant_id: str, service_id: str) -> bool:
        return (await self._settings.get(tenant_id, service_id)).widgets.transcription

    async def handle(self, events: Sequence[c.SessionEvent], now: datetime) -> None:
        ids: dict[SessionKey, dict[str, str]] = defaultdict(dict)
        segments: dict[SessionKey, list[c.TranscriptSegment]] = defaultdict(list)
        finals: list[c.TranscriptFinal] = []
        for event in events:
            at = (event.tenant_id, event.session_id)
            match event:
                case c.SessionQueued() | c.TaskOffered():
                    ids[at][service_field(event.service_session_id)] = event.service_id
                case c.TaskAccepted():
                    ids[at][task_field(event.user_session_id)] = event.service_session_id
                case c.OutboundDialing():  # its user session stands in for a service session
                    ids[at][service_field(event.user_session_id)] = event.service_id
                    ids[at][task_field(event.user_session_id)] = event.user_session_id
                case c.TranscriptSegment():
                    ids[at][captioned_field(event.service_session_id)] = "1"
                    if event.user_session_id is not None:
                        ids[at][task_field(event.user_session_id)] = event.service_session_id
                    segments[at].append(event)
                case c.TranscriptFinal():
                    ids[at][service_field(event.service_session_id)] = event.service_id
                    ids[at][task_field(event.user_session_id)] = event.service_session_id
                    finals.append(event)
        await self._ledger.record(ids)
        for (tenant_id, session_id), of_session in segments.items():
            await self._keep_captions(tenant_id, session_id, of_session)
        for final in finals:
            await self._keep_final(final, now)

    async def _keep_captions(
        self, tenant_id: str, session_id: str, of_session: list[c.TranscriptSegment]
    ) -> None:
        ledger = await self._ledger.get(tenant_id, session_id)
        by_service_session: dict[str, list[Caption]] = defaultdict(list)
        for segment in of_session:
            by_service_session[segment.service_session_id].append(_caption(segment))
        for service_session_id, captions in by_service_session.items():
            if service_session_id in ledger.left:
                continue  # late: the call has left that service, its captions are gone
            service_id = ledger.services.get(service_session_id)
            if service_id is not None and not await self._transcribes(tenant_id, service_id):
                continue
            await self._live.apply(tenant_id, session_id, captions)

    async def _keep_final(self, final: c.TranscriptFinal, now: datetime) -> None:
        if not await self._transcribes(final.tenant_id, final.service_id):
            return
        await self._store.insert(
            tenant_id=final.tenant_id,
            session_id=final.session_id,
            service_session_id=final.service_session_id,
            user_session_id=final.user_session_id,
            service_id=final.service_id,
            lines=[TranscriptLine(ln.speaker, ln.text, ln.offset_ms) for ln in final.lines],
            now=now,
        )

    async def on_session_left(
        self,
        tenant_id: str,
        session_id: str,
        service_session_id: str,
        service_id: str,
        stores: bool,
        now: datetime,
    ) -> None:
        """The call left this service session (transfer or end): its captions are removed,
        its tasks' transcripts turn ``pending`` (transcription on) until the final arrives.
        ``stores`` (store conversation context) does not matter: the final transcript is
        kept where transcription is on, whatever that setting."""
        at = (tenant_id, session_id)
        await self._ledger.record(
            {at: {service_field(service_session_id): service_id}},
            once={at: {left_field(service_session_id): _ms(now)}},
        )
        await self._live.clear(tenant_id, session_id, service_session_id)


class TranscriptReader:
    def __init__(
        self,
        ledger: RedisLedger,
        live: RedisLiveCaptions,
        store: MongoTranscripts,
        settings: SettingsCache,
    ) -> None:
        self._ledger = ledger
        self._live = live
        self._store = store
        self._settings = settings

    async def _transcribes(self, tenant_id: str, service_id: str) -> bool:
        return (await self._settings.get(tenant_id, service_id)).widgets.transcription

    async def _live_state(
        self,
        tenant_id: str,
        session_id: str,
        service_session_id: str,
        known_on: bool | None,
        now: datetime,
    ) -> TranscriptState:
        """A service session the call has not left: ``live`` where transcription is on (or
        unknown, with captions arriving), else ``none``."""
        captions: tuple[Caption, ...] = ()
        if known_on is not False:
            captions = tuple(await self._live.read(tenant_id, session_id, service_session_id))
        on = known_on if known_on is not None else bool(captions)
        return transcript_state(None, now, transcribed=on, left_at=None, captions=captions)

    async def state(
        self, tenant_id: str, session_id: str, user_session_id: str, now: datetime
    ) -> TranscriptState:
        """One task's transcript (what its Transcription widget shows)."""
        stored = await self._store.find(tenant_id, session_id, user_session_id, now)
        if stored is not None:
            return transcript_state(stored, now, transcribed=True, left_at=None)
        ledger = await self._ledger.get(tenant_id, session_id)
        service_session_id = ledger.tasks.get(user_session_id)
        if service_session_id is None:
            return transcript_state(None, now, transcribed=False, left_at=None)
        service_id = ledger.services.get(service_session_id)
        on = None if service_id is None else await self._transcribes(tenant_id, service_id)
        left_at = ledger.left_at(service_session_id)
        if left_at is None:
            return await self._live_state(tenant_id, session_id, service_session_id, on, now)
        return transcript_state(None, now, transcribed=bool(on), left_at=left_at)

    async def service_state(
        self, tenant_id: str, session_id: str, service_id: str, now: datetime
    ) -> TranscriptState:
        """The session's transcript in one service, for a panel that knows the service but
        not the task: ``live`` while the call is in it, else its most recent departure's
        (``pending``), else the transcript stored for it (``available``/``expired``)."""
        on = await self._transcribes(tenant_id, service_id)
        ledger = await self._ledger.get(tenant_id, session_id)
        if on:
            for service_session_id in _current(ledger, service_id):
                live = await self._live_state(tenant_id, session_id, service_session_id, True, now)
                if live.captions or ledger.services.get(service_session_id) == service_id:
                    return live
        stored = await self._store.find_for_service(tenant_id, session_id, service_id, now)
        if stored is not None:
            return transcript_state(stored, now, transcribed=True, left_at=None)
        departures = [
            at
            for ss, svc in ledger.services.items()
            if svc == service_id and (at := ledger.left_at(ss)) is not None
        ]
        left_at = max(departures, default=None)
        return transcript_state(None, now, transcribed=on and bool(departures), left_at=left_at)


def _current(ledger: Ledger, service_id: str) -> list[str]:
    """Service sessions of the service (or of no known service, with captions) not left."""
    candidates = set(ledger.captioned) | {
        ss for ss, svc in ledger.services.items() if svc == service_id
    }
    return sorted(
        ss
        for ss in candidates
        if ss not in ledger.left and ledger.services.get(ss, service_id) == service_id
    )


class TranscriptStore:
    def __init__(self, redis: Redis, prefix: str, store: MongoTranscripts) -> None:
        self._redis = redis
        self._prefix = prefix
        self._store = store

    async def ensure_indexes(self) -> bool:
        """True when the server took the TTL index (else call ``purge_expired`` now and then)."""
        return await self._store.ensure_indexes()

    async def count(self, tenant_id: str, service_id: str | None = None) -> int:
        """Stored transcripts ``erase`` would remove (for ``--dry-run``)."""
        return await self._store.count(tenant_id, service_id)

    async def purge_expired(self, now: datetime) -> int:
        return await self._store.purge_expired(now)

    async def erase(self, tenant_id: str, service_id: str | None = None) -> int:
        """Every stored transcript of the tenant (or of one of its services) and their live
        captions and ledger entries; returns the number of stored transcripts erased."""
        erased = await self._store.erase(tenant_id, service_id)
        pattern = keys.tenant_pattern(self._prefix, tenant_id)
        found = [key async for key in self._redis.scan_iter(match=pattern, count=500)]
        if service_id is None:
            if found:
                await self._redis.unlink(*found)
            return erased
        ledger_suffix = b":ledger"
        for key in found:
            name = key if isinstance(key, bytes) else key.encode()
            if name.endswith(ledger_suffix):
                await self._erase_service_in(name.decode(), service_id)
        return erased

    async def _erase_service_in(self, ledger_key: str, service_id: str) -> None:
        tenant_id, session_id = split_tag(ledger_key)
        ledger = RedisLedger(self._redis, self._prefix)
        live = RedisLiveCaptions(self._redis, self._prefix)
        found = await ledger.get(tenant_id, session_id)
        gone = {ss for ss, svc in found.services.items() if svc == service_id}
        for ss in gone:
            await live.clear(tenant_id, session_id, ss)
        fields = [service_field(ss) for ss in gone] + [left_field(ss) for ss in gone]
        fields += [task_field(us) for us, ss in found.tasks.items() if ss in gone]
        await ledger.forget(tenant_id, session_id, fields)


@dataclass(frozen=True, slots=True)
class Transcripts:
    handler: TranscriptHandler
    reader: TranscriptReader
    store: TranscriptStore


def make_transcripts(
    redis: Redis, database: AsyncDatabase[Document], settings_cache: SettingsCache, prefix: str
) -> Transcripts:
    """The one place the transcripts' adapters are chosen; call
    ``await transcripts.store.ensure_indexes()`` once at start-up."""
    ledger, live = RedisLedger(redis, prefix), RedisLiveCaptions(redis, prefix)
    mongo = MongoTranscripts(database)
    return Transcripts(
        handler=TranscriptHandler(ledger, live, mongo, settings_cache),
        reader=TranscriptReader(ledger, live, mongo, settings_cache),
        store=TranscriptStore(redis, prefix, mongo),
    )
