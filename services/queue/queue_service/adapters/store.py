"""The queue worker's Redis store, composed of one adapter per job: the sessions' fact log
(``fact_log``), the agents' task lists (``agent_views``, read by ``agent_reads``), the
watchdog's idle indexes (``watchdog_index``) and the admin operations on a whole prefix
(``prefix_admin``).

A fold's write still takes one round trip: every part queues its commands in one pipeline
(``write``), and each change in it stays one atomic step (a Lua script, or one command).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from mysessions_platform.lua import run_pipeline
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from queue_service.adapters.agent_reads import AgentReads
from queue_service.adapters.agent_views import AgentViews, Written, written
from queue_service.adapters.fact_log import FactLog
from queue_service.adapters.forget import ErasedTask
from queue_service.adapters.live_events import LiveEventsPolicy
from queue_service.adapters.prefix_admin import PrefixAdmin
from queue_service.adapters.scripts import APPEND_FACTS, FORGET_CALLERS, READ_AGENT, UPSERT_TASK
from queue_service.adapters.store_types import IdleEntry, SessionKey, SessionTasks
from queue_service.adapters.watchdog_index import WatchdogIndex
from queue_service.domain import Fact, HistoryPolicy, LimitClass, Task

__all__ = ["SCRIPTS", "IdleEntry", "SessionKey", "SessionTasks", "TaskStore", "Written"]

SCRIPTS = (APPEND_FACTS, UPSERT_TASK, READ_AGENT, FORGET_CALLERS)


class TaskStore:
    def __init__(
        self,
        redis: Redis,
        prefix: str,
        history: HistoryPolicy,
        session_facts_ttl: timedelta,
        live_events: LiveEventsPolicy = LiveEventsPolicy(),
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._facts = FactLog(redis, prefix, session_facts_ttl)
        self._views = AgentViews(redis, prefix, history, live_events)
        self._reads = AgentReads(redis, prefix)
        self._watchdog = WatchdogIndex(redis, prefix)
        self._admin = PrefixAdmin(redis, prefix)

    async def append_facts(
        self, new_facts: Mapping[SessionKey, Sequence[Fact]]
    ) -> dict[SessionKey, list[Fact]]:
        """Stores the new facts; returns every fact of each session. One round trip."""
        return await self._facts.append(new_facts)

    async def write(
        self,
        folded: Iterable[SessionTasks],
        now: datetime,
        activity: Mapping[SessionKey, datetime] | None = None,
    ) -> Written:
        """Upserts every task and the watchdog's index, then records ``activity`` (see
        :meth:`touch`), appending each changed task's view (as of ``now``) to its agent's
        events stream and publishing it on the agent's channel, and strips the caller
        details from the facts of sessions marked ``forget_callers``. One round trip."""
        sessions = list(folded)  # the pipeline may be built twice (after NOSCRIPT)
        tasks = [task for session in sessions for task in session.tasks]

        def write_all(pipe: Pipeline) -> None:
            self._views.queue_upserts(pipe, tasks, now)  # first: ``written`` reads them
            for session in sessions:
                self._watchdog.queue_session(pipe, session)
            self._watchdog.queue_touch(pipe, activity or {})
            for session in sessions:
                if session.forget_callers:
                    self._facts.queue_forget_callers(pipe, session.key)

        results = await run_pipeline(self._redis, SCRIPTS, write_all)
        return written(tasks, results)

    async def restore(self, tasks: Sequence[Task], now: datetime) -> Written:
        """Upserts tasks restored from the changelog (``AgentViews.restore``)."""
        return await self._views.restore(tasks, now)

    async def touch(self, activity: Mapping[SessionKey, datetime]) -> None:
        """Moves the last activity of sessions already in an idle index forward
        (``WatchdogIndex.touch``). One round trip."""
        await self._watchdog.touch(activity)

    async def read_agent(self, tenant_id: str, user_id: str, history_limit: int) -> list[Task]:
        """The agent's live tasks and newest history, in one consistent snapshot."""
        return await self._reads.read_agent(tenant_id, user_id, history_limit)

    async def read_task(self, tenant_id: str, user_id: str, user_session_id: str) -> Task | None:
        """One of the agent's tasks by its user session id (``AgentReads.read_task``)."""
        return await self._reads.read_task(tenant_id, user_id, user_session_id)

    async def snapshot(self) -> dict[str, dict[str, str]]:
        """Every agent's stored tasks by key (``AgentReads.snapshot``)."""
        return await self._reads.snapshot()

    @property
    def history(self) -> HistoryPolicy:
        return self._views.history

    async def move_to(self, other: "TaskStore") -> int:
        """Renames every key of this prefix into ``other``'s (``PrefixAdmin.move_to``)."""
        return await self._admin.move_to(other._prefix)

    async def forget(self, tasks: Sequence[ErasedTask]) -> None:
        """Takes these tasks out of their agents' keys (a tombstoned changelog key)."""
        await self._admin.forget(tasks)

    async def clear(self) -> int:
        """Deletes everything the queue service wrote under this prefix."""
        return await self._admin.clear()

    async def idle_sessions(
        self, limit_class: LimitClass, idle_before: datetime, limit: int, offset: int = 0
    ) -> list[IdleEntry]:
        """Sessions of the class idle since ``idle_before``, oldest first."""
        return await self._watchdog.idle_sessions(limit_class, idle_before, limit, offset)

    async def forget_idle(self, limit_class: LimitClass, entries: Sequence[IdleEntry]) -> int:
        """Removes entries the index still holds unchanged; returns how many."""
        return await self._watchdog.forget_idle(limit_class, entries)

    async def session_facts(self, session: SessionKey) -> list[Fact]:
        return (await self._facts.facts_of([session]))[session]

    async def facts_of(self, sessions: Sequence[SessionKey]) -> dict[SessionKey, list[Fact]]:
        """Every fact of each session, in one round trip."""
        return await self._facts.facts_of(sessions)
