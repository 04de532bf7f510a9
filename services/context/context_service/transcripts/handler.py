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
from collections.abc import Mapping, Sequence
from datetime import datetime

import contracts as c

from context_service.transcripts.domain import (
    Caption,
    TranscriptLine,
)
from context_service.transcripts.ledger import (
    captioned_field,
    left_field,
    service_field,
    task_field,
)
from context_service.transcripts.parts import TranscriptParts
from context_service.transcripts.store import NewTranscript
from context_service.transcripts_port import SessionLeft

__all__ = ["TranscriptHandler"]

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


class TranscriptHandler(TranscriptParts):
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
        await self._keep_captions(segments)
        await self._keep_finals(finals, now)

    async def _keep_captions(
        self, segments: Mapping[SessionKey, list[c.TranscriptSegment]]
    ) -> None:
        """The batch's captions, where their service session lives and transcribes: the
        ledgers read in one round trip, the captions applied in another."""
        sessions = list(segments)
        kept: list[tuple[str, str, list[Caption]]] = []
        for (tenant_id, session_id), ledger in zip(
            sessions, await self._ledger.get_many(sessions), strict=True
        ):
            by_service_session: dict[str, list[Caption]] = defaultdict(list)
            for segment in segments[(tenant_id, session_id)]:
                by_service_session[segment.service_session_id].append(_caption(segment))
            for service_session_id, captions in by_service_session.items():
                if service_session_id in ledger.left:
                    continue  # late: the call has left that service, its captions are gone
                service_id = ledger.services.get(service_session_id)
                if service_id is not None and not await self._transcribes(tenant_id, service_id):
                    continue
                kept.append((tenant_id, session_id, captions))
        await self._live.apply_many(kept)

    async def _keep_finals(self, finals: list[c.TranscriptFinal], now: datetime) -> None:
        """The batch's final transcripts where transcription is on: one insert for all."""
        await self._store.insert_many(
            [
                NewTranscript(
                    tenant_id=final.tenant_id,
                    session_id=final.session_id,
                    service_session_id=final.service_session_id,
                    user_session_id=final.user_session_id,
                    service_id=final.service_id,
                    lines=[TranscriptLine(ln.speaker, ln.text, ln.offset_ms) for ln in final.lines],
                )
                for final in finals
                if await self._transcribes(final.tenant_id, final.service_id)
            ],
            now,
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
        await self.on_sessions_left(
            [SessionLeft(tenant_id, session_id, service_session_id, service_id, stores)], now
        )

    async def on_sessions_left(self, left: Sequence[SessionLeft], now: datetime) -> None:
        """``on_session_left`` for each, in two round trips for all of them."""
        if not left:
            return
        entries: dict[SessionKey, dict[str, str]] = defaultdict(dict)
        once: dict[SessionKey, dict[str, str]] = defaultdict(dict)
        for one in left:
            at = (one.tenant_id, one.session_id)
            entries[at][service_field(one.service_session_id)] = one.service_id
            once[at].setdefault(left_field(one.service_session_id), _ms(now))
        await self._ledger.record(entries, once=once)
        await self._live.clear_many(
            [(one.tenant_id, one.session_id, one.service_session_id) for one in left]
        )
