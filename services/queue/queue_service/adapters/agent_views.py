"""The agents' task lists as the queue writes them: each task upserted by one Lua step
(``UPSERT_TASK``: the task, its revision, the live or history list, the events stream and
the agent's channel, all in the agent's slot), under the revision guard and the history
rules. Reads are ``AgentReads``'."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mysessions_platform.lua import run_pipeline
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from queue_service.adapters import keys
from queue_service.adapters.live_events import LiveEventsPolicy
from queue_service.adapters.scripts import UPSERT_TASK
from queue_service.adapters.store_types import to_ms
from queue_service.adapters.task_codec import task_to_json
from queue_service.adapters.view_model import task_view_json
from queue_service.domain import HistoryPolicy, Task

__all__ = ["AgentViews", "Written", "written"]

CHANGED, UNCHANGED = 1, 0


@dataclass(frozen=True)
class Written:
    """What a write did: how many tasks changed, and every task that is now stored as
    given (changed or already so), which is what the changelog must hold. Tasks refused
    as stale (a newer version is stored) or ended before the history window are not in it."""

    changed: int
    stored: list[Task]


def written(tasks: Sequence[Task], results: Sequence[object]) -> Written:
    """The ``Written`` of upserts queued first in a pipeline, from its results."""
    outcomes = results[: len(tasks)]
    return Written(
        changed=sum(1 for result in outcomes if result == CHANGED),
        stored=[
            task
            for task, result in zip(tasks, outcomes, strict=True)
            if result in (CHANGED, UNCHANGED)
        ],
    )


class AgentViews:
    def __init__(
        self, redis: Redis, prefix: str, history: HistoryPolicy, live_events: LiveEventsPolicy
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._history = history
        self._live_events = live_events

    @property
    def history(self) -> HistoryPolicy:
        return self._history

    async def restore(self, tasks: Sequence[Task], now: datetime) -> Written:
        """Upserts tasks restored from the changelog, under the same revision guard and
        history rules as a live write. One round trip.

        Each restored change is appended to the agent's events stream like a live one: a
        rebuild restores into a scratch prefix that then replaces the live keys, and a
        client reading the stream then replays every restored view (or, past the stream's
        bound, is told to refetch) instead of keeping a list the rebuild changed."""
        results = await run_pipeline(
            self._redis, (UPSERT_TASK,), lambda pipe: self.queue_upserts(pipe, tasks, now)
        )
        return written(tasks, results)

    def queue_upserts(self, pipe: Pipeline, tasks: Sequence[Task], now: datetime) -> None:
        """Queues one ``UPSERT_TASK`` step per task, each view as of ``now``."""
        cutoff_ms = to_ms(now - self._history.window)
        for task in tasks:
            self._queue_upsert(pipe, task, cutoff_ms, task_view_json(task, now))

    def _queue_upsert(self, pipe: Pipeline, task: Task, cutoff_ms: int, view: str) -> None:
        tenant, user = task.tenant_id, task.user_id
        UPSERT_TASK.queue(
            pipe,
            [
                keys.agent_tasks(self._prefix, tenant, user),
                keys.agent_revisions(self._prefix, tenant, user),
                keys.agent_live(self._prefix, tenant, user),
                keys.agent_history(self._prefix, tenant, user),
                keys.agent_events(self._prefix, tenant, user),
                keys.agent_events_bounds(self._prefix, tenant, user),
                keys.agent_events_live(self._prefix, tenant, user),
            ],
            [
                task.user_session_id,
                task.rev,
                task_to_json(task),
                "1" if task.state != "ended" else "0",
                to_ms(task.updated_at),
                cutoff_ms,
                self._history.max_entries,
                keys.agent_channel(self._prefix, tenant, user),
                view,
                self._live_events.max_entries,
                self._live_events.ttl_ms,
            ],
        )
