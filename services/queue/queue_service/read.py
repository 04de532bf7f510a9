"""The queue's published read API: everything another package (the gateway, the CLI, after-
call work) may read of the queue's state, as contract types (``contracts.TaskView``,
``contracts.QueueTask``). Nothing else of ``queue_service`` is imported from outside it
(``queue_service.unprovision`` erases, ``__main__`` runs the worker); the import contracts
in ``pyproject.toml`` hold it.

Readers are built on a Redis client and the key prefix only: reading needs none of the
writer's retention settings, so nobody outside the queue builds its writer (``TaskStore``).
"""

from datetime import datetime
from typing import Final

from contracts import QueueTask, TaskView
from redis.asyncio import Redis

from queue_service.adapters import keys
from queue_service.adapters.agent_events import EVENTS_BATCH, AgentEvents, EventsRead
from queue_service.adapters.agent_reads import AgentReads
from queue_service.adapters.view_model import task_view
from queue_service.view import (
    HistoryCallers,
    ServiceOfSession,
    agent_tasks,
    agent_view,
    with_stored_callers,
    without_directory_upn,
)

__all__ = [
    "EVENTS_BATCH",
    "START",
    "AgentEvents",
    "EventsRead",
    "HistoryCallers",
    "QueueReader",
    "QueueTaskReader",
    "ServiceOfSession",
    "agent_channel",
    "with_stored_callers",
    "without_directory_upn",
]

START: Final = "0-0"
"""The position of an empty (or never written) events stream: replay from its beginning."""


def agent_channel(prefix: str, tenant_id: str, user_id: str) -> str:
    """The pub/sub channel the queue publishes each new view of the agent's tasks on (in
    the same step that appends it to the agent's events stream)."""
    return keys.agent_channel(prefix, tenant_id, user_id)


class QueueReader:
    """An agent's tasks, read-only, scoped by tenant and user (every key names both, so a
    reader gets only the agent's own tasks)."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._reads = AgentReads(redis, prefix)

    async def agent_tasks(
        self, tenant_id: str, user_id: str, now: datetime, history_limit: int = 1000
    ) -> list[TaskView]:
        """The agent's tasks in page order (incoming, outbound attempts, connected, then
        history, most recent update first), as of ``now``; ended tasks' callers "Not
        Available" (see ``with_stored_callers``)."""
        tasks = await agent_tasks(self._reads, tenant_id, user_id, history_limit)
        return [task_view(task, now) for task in tasks]

    async def task(
        self, tenant_id: str, user_id: str, user_session_id: str, now: datetime
    ) -> TaskView | None:
        """The agent's task of this user session id, as of ``now``; None when it has none."""
        task = await self._reads.read_task(tenant_id, user_id, user_session_id)
        return task_view(task, now) if task is not None else None

    async def agent_view(
        self,
        tenant_id: str,
        user_id: str,
        now: datetime,
        history_limit: int = 1000,
        history_callers: HistoryCallers | None = None,
    ) -> list[dict[str, object]]:
        """The whole list as JSON, as ``mysessions view --json`` prints it."""
        return await agent_view(
            self._reads, tenant_id, user_id, now, history_limit, history_callers
        )

    async def tenants_with_tasks_of(self, user_id: str) -> list[str]:
        """Every tenant holding tasks of a user of this id (a key scan: for a hint only)."""
        return await self._reads.tenants_with_tasks_of(user_id)

    async def snapshot(self) -> dict[str, dict[str, str]]:
        """Every agent's stored tasks, JSON by user session id, by the agent's key (without
        the prefix): a scan of the whole prefix, for operators and the demo, not a page."""
        return await self._reads.snapshot()

    def events(self, tenant_id: str, user_id: str, redis: Redis | None = None) -> AgentEvents:
        """The agent's events stream (what a live stream replays and follows); ``redis``:
        the reader's own client for it, when not this reader's."""
        return AgentEvents(redis or self._redis, self._prefix, tenant_id, user_id)

    async def live_position(self, tenant_id: str, user_id: str) -> str:
        """Where the agent's events stream stands: its newest entry's id, or ``START``."""
        newest = await AgentEvents(self._redis, self._prefix, tenant_id, user_id).newest_id()
        return START if newest is None else newest


class QueueTaskReader:
    """One agent's tasks as the queue stores them, the changelog's contract ``QueueTask``:
    what after-call work checks a save against (``acw.service.TaskReader``). Redis rather
    than the changelog topic: Redis answers for one key at once and is what the agent sees;
    the compacted changelog would have to be read from the start to find one task."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._reads = AgentReads(redis, prefix)

    async def task(self, tenant_id: str, user_id: str, user_session_id: str) -> QueueTask | None:
        return await self._reads.stored_task(tenant_id, user_id, user_session_id)

    async def tasks_of_session(
        self, tenant_id: str, user_id: str, session_id: str
    ) -> list[QueueTask]:
        """The user's tasks of one session, oldest first (a transfer back makes several)."""
        return await self._reads.stored_tasks_of_session(tenant_id, user_id, session_id)
