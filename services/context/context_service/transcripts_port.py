"""The transcripts side of the context worker, as the worker and the commands see it.

``context_service.transcripts`` implements it (``make_transcripts``); ``TranscriptStates``
adapts its reader to the one-word state a panel shows. ``NoTranscripts`` is for callers
that want none (unit tests, a step built without Redis)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import contracts as c

__all__ = [
    "NoTranscripts",
    "SessionLeft",
    "TranscriptEraser",
    "TranscriptHandler",
    "TranscriptStateReader",
    "TranscriptStates",
]


@dataclass(frozen=True, slots=True)
class SessionLeft:
    """A session left one of its service sessions (a transfer, or its end)."""

    tenant_id: str
    session_id: str
    service_session_id: str
    service_id: str
    stores: bool
    """That service keeps conversation context."""


class TranscriptHandler(Protocol):
    async def handle(self, events: Sequence[c.SessionEvent], now: datetime) -> None:
        """``transcript.segment`` / ``transcript.final`` events of one batch."""

    async def on_sessions_left(self, left: Sequence[SessionLeft], now: datetime) -> None:
        """The sessions left these service sessions (all of a batch at once)."""

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
    async def count(self, tenant_id: str, service_id: str | None = None) -> int: ...

    async def erase(self, tenant_id: str, service_id: str | None = None) -> int: ...


class TranscriptStateReader(Protocol):
    async def state(self, tenant_id: str, session_id: str, service_id: str | None) -> str:
        """What the transcript widget shows: e.g. "live", "pending", "stored", "none"."""


class ServiceTranscripts(Protocol):
    async def service_state(
        self, tenant_id: str, session_id: str, service_id: str, now: datetime
    ) -> "HasState": ...


class HasState(Protocol):
    @property
    def state(self) -> str: ...


class TranscriptStates:
    """A panel's transcript state ("none", "live", "pending", "available", "expired")."""

    def __init__(self, reader: ServiceTranscripts, now: datetime) -> None:
        self._reader = reader
        self._now = now

    async def state(self, tenant_id: str, session_id: str, service_id: str | None) -> str:
        if service_id is None:
            return "none"
        return (
            await self._reader.service_state(tenant_id, session_id, service_id, self._now)
        ).state


class NoTranscripts:
    """Transcripts not wired: nothing handled, nothing stored, nothing to erase."""

    async def handle(self, events: Sequence[c.SessionEvent], now: datetime) -> None:
        return None

    async def on_sessions_left(self, left: Sequence[SessionLeft], now: datetime) -> None:
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

    async def count(self, tenant_id: str, service_id: str | None = None) -> int:
        return 0

    async def erase(self, tenant_id: str, service_id: str | None = None) -> int:
        return 0

    async def state(self, tenant_id: str, session_id: str, service_id: str | None) -> str:
        return "not wired"
