"""What the queue step needs of the world, as ``Protocol``s: the composition root
(``entrypoints.app``) hands it the Redis ``TaskStore``, the Kafka ``TaskChangelog`` and
the settings cache, unit tests in-memory fakes. The watchdog's sweep reads the same store
through ``IdleSessions``."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from queue_service.adapters.agent_views import Written
from queue_service.adapters.store_types import IdleEntry, SessionKey, SessionTasks
from queue_service.domain import Fact, LimitClass, Task

__all__ = [
    "Changelog",
    "CodesAndTags",
    "IdleEntry",
    "IdleSessions",
    "SessionStore",
    "SessionTasks",
    "Written",
]


class SessionStore(Protocol):
    """Every session's facts, the agents' tasks folded from them, and the watchdog's
    record of each live session's last activity (``adapters.store.TaskStore``)."""

    async def append_facts(
        self, new_facts: Mapping[SessionKey, Sequence[Fact]]
    ) -> dict[SessionKey, list[Fact]]:
        """Stores the new facts (a fact already stored, by event id, stays as first
        stored); returns every fact of each session."""
        ...

    async def write(
        self,
        folded: Iterable[SessionTasks],
        now: datetime,
        activity: Mapping[SessionKey, datetime] | None = None,
    ) -> Written:
        """Upserts each task unless a newer revision is stored (an ended one older than the
        history window is dropped instead), records each session's activity, and strips
        the caller from the facts of sessions marked ``forget_callers``."""
        ...

    async def touch(self, activity: Mapping[SessionKey, datetime]) -> None:
        """Moves the last activity of live sessions forward, never back."""
        ...


class Changelog(Protocol):
    """The compacted changelog of tasks (``adapters.changelog.TaskChangelog``)."""

    async def record(self, tasks: Sequence[Task]) -> None:
        """Returns once every task is recorded."""
        ...


class CodesAndTags(Protocol):
    """Whether a service's settings have the Codes and Tags widget on (from the settings
    cache: at most a few seconds old)."""

    async def enabled(self, tenant_id: str, service_id: str) -> bool: ...


class IdleSessions(Protocol):
    """The watchdog's view of the store: live sessions by last activity, and their facts
    (``adapters.store.TaskStore``)."""

    async def idle_sessions(
        self, limit_class: LimitClass, idle_before: datetime, limit: int, offset: int = 0
    ) -> list[IdleEntry]:
        """Sessions of the class last active at or before ``idle_before``, oldest first."""
        ...

    async def facts_of(self, sessions: Sequence[SessionKey]) -> dict[SessionKey, list[Fact]]:
        """Every fact of each session (none: its facts expired)."""
        ...

    async def forget_idle(self, limit_class: LimitClass, entries: Sequence[IdleEntry]) -> int:
        """Removes the entries the index still holds unchanged; returns how many."""
        ...
