"""What a task's or a service's Transcription widget shows: the state, with the captions
while live and the lines once available (``domain.transcript_state`` decides)."""

from datetime import datetime

from context_service.transcripts.domain import Caption, TranscriptState, transcript_state
from context_service.transcripts.ledger import Ledger
from context_service.transcripts.parts import TranscriptParts

__all__ = ["TranscriptReader"]


class TranscriptReader(TranscriptParts):
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
