"""PORT, to be wired by the lead: the transcripts side of the context worker (helper H11
builds it in ``context_service.transcripts``). Until it is on main the worker uses
``NoTranscripts``; ``entrypoints.app.create_app`` takes any object of these shapes."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import contracts as c

__all__ = [
    "NoTranscripts",
    "TranscriptEraser",
    "TranscriptHandler",
    "TranscriptStateReader",
]


class TranscriptHandler(Protocol):
    async def handle(self, events: Sequence[c.SessionEvent], now: datetime) -> None:
        """``transcript.segment`` / ``transcript.final`` events of one batch."""

    async def on_session_left(
        self,
        tenant_id: str,
        session_id: str,
        service_session_id: str,
        service_id: str,
        stores: bool,
        now: datetime,
    ) -> None:
        """The session left a service session; ``stores``: that service keeps context."""


class TranscriptEraser(Protocol):
    async def erase(self, tenant_id: str, service_id: str | None = None) -> int: ...


class TranscriptStateReader(Protocol):
    async def state(self, tenant_id: str, session_id: str, service_id: str | None) -> str:
        """What the transcript widget shows: e.g. "live", "pending", "stored", "none"."""


class NoTranscripts:
    """Transcripts not wired: nothing handled, nothing stored, nothing to erase."""

    async def handle(self, events: Sequence[c.SessionEvent], now: datetime) -> None:
        return None

    async def on_session_left(
        self,
        tenant_id: str,
        session_id: str,
        service_session_id: str,
        service_id: str,
        stores: bool,
        now: datetime,
    ) -> None:
        return None

    async def erase(self, tenant_id: str, service_id: str | None = None) -> int:
        return 0

    async def state(self, tenant_id: str, session_id: str, service_id: str | None) -> str:
        return "not wired"
