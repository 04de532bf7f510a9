"""What the reporting step and its sweep need of the world, as ``Protocol``s: the
composition root (``entrypoints.app``) hands them the MongoDB stores and the settings
cache, unit tests in-memory fakes."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from contracts import ServiceSettings, SessionRecord
from mysessions_platform.mongo import Document

from reporting_service.adapters.facts_store import Fact, SessionKey, Tracker
from reporting_service.domain import SessionFacts

__all__ = [
    "Fact",
    "JudgedFacts",
    "PendingFacts",
    "ServiceSettingsLookup",
    "SessionKey",
    "SessionRecords",
    "Tracker",
]


class PendingFacts(Protocol):
    """The facts of sessions whose records are not written yet, and when each session was
    last heard of (``adapters.facts_store.FactsStore``)."""

    async def add(self, facts: Sequence[tuple[str, str, Fact]]) -> None:
        """Stores (tenant, session, fact)s; a fact stored already is a no-op, and a task is
        read as its highest revision whatever order its revisions come in."""
        ...

    async def touch(
        self, keys: Sequence[SessionKey], now: datetime, settle_until: datetime
    ) -> None:
        """Each session was heard of ``now``: judged again at ``settle_until``."""
        ...


class JudgedFacts(Protocol):
    """The sweep's view of the pending facts: which sessions are due, their facts, and the
    markers of the sessions written (``adapters.facts_store.FactsStore``)."""

    async def due(self, now: datetime, limit: int) -> list[Tracker]:
        """Up to ``limit`` pending sessions to judge at ``now``."""
        ...

    async def facts_of_many(
        self, keys: Sequence[SessionKey], ids: dict[SessionKey, list[str]] | None = None
    ) -> dict[SessionKey, tuple[SessionFacts, dict[str, int]]]:
        """Each session's facts (each task at its highest revision) and the key -> rev of
        each; ``ids`` gets the ids of what was read (to delete exactly that)."""
        ...

    async def facts_of(
        self, tenant_id: str, session_id: str, ids: dict[SessionKey, list[str]] | None = None
    ) -> tuple[SessionFacts, dict[str, int]]: ...

    async def written_of(self, keys: Iterable[SessionKey]) -> dict[SessionKey, dict[str, int]]:
        """Of these sessions, the written ones: the key -> rev their records were built of."""
        ...

    async def wait(self, waits: Sequence[tuple[Tracker, datetime | None]]) -> None:
        """Postpones each session (None: until its next fact) unless a fact came since."""
        ...

    async def mark_written(
        self, written: Sequence[tuple[SessionKey, dict[str, int]]], now: datetime
    ) -> dict[SessionKey, dict[str, int]]:
        """Stores each session's marker; returns what is stored (the first one wins)."""
        ...

    async def seen_at_of(self, keys: Iterable[SessionKey]) -> dict[SessionKey, datetime]:
        """When each still-tracked session last heard of a fact."""
        ...

    async def forget(
        self, sessions: Mapping[SessionKey, datetime], read: Mapping[SessionKey, list[str]]
    ) -> None:
        """Deletes the facts read, then each tracker unless a fact came since ``seen_at``."""
        ...

    async def purge(self, written_before: datetime) -> int:
        """Forgets the markers of sessions written before; returns how many."""
        ...


class SessionRecords(Protocol):
    """The immutable records, which are unpublished, and the late facts
    (``adapters.records_store.RecordsStore``)."""

    async def insert(self, records: list[SessionRecord]) -> list[SessionRecord]:
        """Stores each record once (by id), noted as unpublished; returns the ones this
        call stored (not those whose id was stored before: the first version stays)."""
        ...

    async def unpublished(self, limit: int) -> list[SessionRecord]: ...

    async def mark_published(self, record_ids: list[str]) -> None: ...

    async def add_late(self, late: list[Document]) -> None:
        """Stores each late fact once (by ``_id``)."""
        ...

    async def purge_late(self, arrived_before: datetime) -> int: ...


class ServiceSettingsLookup(Protocol):
    async def get(self, tenant_id: str, service_id: str) -> ServiceSettings: ...
