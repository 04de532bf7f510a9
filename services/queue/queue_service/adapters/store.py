"""Redis persistence of session facts and agents' task lists."""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mysessions_platform.lua import run_pipeline
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from queue_service.adapters import keys
from queue_service.adapters.agent_reads import AgentReads
from queue_service.adapters.forget import ErasedTask, forget_tasks
from queue_service.adapters.live_events import LiveEventsPolicy
from queue_service.adapters.scripts import (
    APPEND_FACTS,
    FORGET_CALLERS,
    READ_AGENT,
    UPSERT_TASK,
)
from queue_service.adapters.task_codec import task_to_json
from queue_service.adapters.view_model import task_view_json
from queue_service.adapters.watchdog_scripts import FORGET_UNCHANGED
from queue_service.domain import (
    CALLER_FACT_FIELDS,
    LIMIT_CLASSES,
    Fact,
    HistoryPolicy,
    LimitClass,
    Task,
    fact_from_dict,
    fact_to_dict,
    limit_class,
)

SCRIPTS = (APPEND_FACTS, UPSERT_TASK, READ_AGENT, FORGET_CALLERS)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def _ms(instant: datetime) -> int:
    # Integer arithmetic: a float timestamp can land a millisecond short when converted
    # back, and an index score must survive the round trip exactly.
    return (instant - _EPOCH) // _MS


def _instant(ms: float) -> datetime:
    return _EPOCH + int(ms) * _MS


@dataclass(frozen=True)
class SessionKey:
    tenant_id: str
    session_id: str


@dataclass(frozen=True)
class Written:
    """What a write did: how many tasks changed, and every task that is now stored as
    given (changed or already so), which is what the changelog must hold. Tasks refused
    as stale (a newer version is stored) or ended before the history window are not in it."""

    changed: int
    stored: list[Task]


CHANGED, UNCHANGED = 1, 0


@dataclass(frozen=True)
class IdleEntry:
    """A session in an idle index, with its last activity as the index holds it."""

    session: SessionKey
    active_at: datetime


@dataclass(frozen=True)
class SessionTasks:
    """A session's tasks after a fold, and the time of its newest fact (for the watchdog)."""

    key: SessionKey
    tasks: Sequence[Task]
    last_fact_at: datetime
    forget_callers: bool = False
    """The session is over: its facts lose their caller details in the same write
    (``domain.callers_forgotten``)."""


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
        self._history = history
        self._facts_ttl_ms = int(session_facts_ttl.total_seconds() * 1000)
        self._live_events = live_events
        self._reads = AgentReads(redis, prefix)

    async def append_facts(
        self, new_facts: Mapping[SessionKey, Sequence[Fact]]
    ) -> dict[SessionKey, list[Fact]]:
        """Stores the new facts; returns every fact of each session. One round trip."""
        sessions = list(new_facts)

        def append(pipe: Pipeline) -> None:
            for session in sessions:
                pairs: list[str | int] = [self._facts_ttl_ms]
                for fact in new_facts[session]:
                    pairs += [fact.event_id, json.dumps(fact_to_dict(fact), sort_keys=True)]
                APPEND_FACTS.queue(
                    pipe, [keys.session_facts(self._prefix, *_parts(session))], pairs
                )

        stored = await run_pipeline(self._redis, SCRIPTS, append)
        return {
            session: [fact_from_dict(json.loads(raw)) for raw in facts]
            for session, facts in zip(sessions, stored, strict=True)
        }

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
            self._queue_upserts(pipe, tasks, now)
            for session in sessions:
                self._queue_watchdog(pipe, session)
            self._queue_touch(pipe, activity or {})
            for session in sessions:
                if session.forget_callers:
                    self._queue_forget_callers(pipe, session.key)

        results = await run_pipeline(self._redis, SCRIPTS, write_all)
        return _written(tasks, results)

    async def restore(self, tasks: Sequence[Task], now: datetime) -> Written:
        """Upserts tasks restored from the changelog, under the same revision guard and
        history rules as a live write. One round trip.

        Each restored change is appended to the agent's events stream like a live one: a
        rebuild restores into a scratch prefix that then replaces the live keys, and a
        client reading the stream then replays every restored view (or, past the stream's
        bound, is told to refetch) instead of keeping a list the rebuild changed."""
        results = await run_pipeline(
            self._redis, SCRIPTS, lambda pipe: self._queue_upserts(pipe, tasks, now)
        )
        return _written(tasks, results)

    def _queue_upserts(self, pipe: Pipeline, tasks: Sequence[Task], now: datetime) -> None:
        cutoff_ms = _ms(now - self._history.window)
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
                _ms(task.updated_at),
                cutoff_ms,
                self._history.max_entries,
                keys.agent_channel(self._prefix, tenant, user),
                view,
                self._live_events.max_entries,
                self._live_events.ttl_ms,
            ],
        )

    def _queue_forget_callers(self, pipe: Pipeline, session: SessionKey) -> None:
        FORGET_CALLERS.queue(
            pipe, [keys.session_facts(self._prefix, *_parts(session))], CALLER_FACT_FIELDS
        )

    def _queue_watchdog(self, pipe: Pipeline, session: SessionTasks) -> None:
        member = keys.idle_member(session.key.tenant_id, session.key.session_id)
        live = any(task.state != "ended" for task in session.tasks)
        own = limit_class(task.modality for task in session.tasks) if live else None
        for each in LIMIT_CLASSES:
            index = keys.idle_index(self._prefix, each)
            if each == own:
                # GT: never behind an activity that touch() recorded from a later event.
                pipe.zadd(index, {member: _ms(session.last_fact_at)}, gt=True)
            else:
                pipe.zrem(index, member)

    async def touch(self, activity: Mapping[SessionKey, datetime]) -> None:
        """Moves the last activity of sessions already in an idle index (XX) forward (GT),
        from events that are no facts. One round trip."""
        async with self._redis.pipeline(transaction=False) as pipe:
            self._queue_touch(pipe, activity)
            await pipe.execute()

    def _queue_touch(self, pipe: Pipeline, activity: Mapping[SessionKey, datetime]) -> None:
        for session, at in activity.items():
            member = keys.idle_member(session.tenant_id, session.session_id)
            for each in LIMIT_CLASSES:
                index = keys.idle_index(self._prefix, each)
                pipe.zadd(index, {member: _ms(at)}, xx=True, gt=True)

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
        return self._history

    async def move_to(self, other: "TaskStore") -> int:
        """Renames every key of this prefix into ``other``'s (which should be empty): the
        part in braces stays the same, so every key keeps its hash slot. Returns how many."""
        moved = 0
        for pattern in keys.queue_patterns(self._prefix):
            async for key in self._redis.scan_iter(match=pattern, count=1000):
                name = _text(key)
                await self._redis.rename(name, other._prefix + name.removeprefix(self._prefix))
                moved += 1
        return moved

    async def forget(self, tasks: Sequence[ErasedTask]) -> None:
        """Takes these tasks out of their agents' keys (a tombstoned changelog key)."""
        if tasks:
            await forget_tasks(self._redis, self._prefix, tasks)

    async def clear(self) -> int:
        """Deletes everything the queue service wrote under this prefix."""
        deleted = 0
        for pattern in keys.queue_patterns(self._prefix):
            async for key in self._redis.scan_iter(match=pattern, count=1000):
                deleted += await self._redis.unlink(key)
        return deleted

    async def idle_sessions(
        self, limit_class: LimitClass, idle_before: datetime, limit: int, offset: int = 0
    ) -> list[IdleEntry]:
        """Sessions of the class whose last activity is not after ``idle_before``, oldest
        first."""
        members: list[tuple[bytes, float]] = await self._redis.zrangebyscore(
            keys.idle_index(self._prefix, limit_class),
            "-inf",
            _ms(idle_before),
            start=offset,
            num=limit,
            withscores=True,
        )  # type: ignore[assignment]
        return [
            IdleEntry(SessionKey(*keys.session_of_member(_text(member))), _instant(score))
            for member, score in members
        ]

    async def forget_idle(self, limit_class: LimitClass, entries: Sequence[IdleEntry]) -> int:
        """Removes entries the index still holds unchanged; returns how many."""
        args: list[str | int] = []
        for entry in entries:
            args += [
                keys.idle_member(entry.session.tenant_id, entry.session.session_id),
                _ms(entry.active_at),
            ]
        index = keys.idle_index(self._prefix, limit_class)
        (removed,) = await run_pipeline(
            self._redis,
            (FORGET_UNCHANGED,),
            lambda pipe: FORGET_UNCHANGED.queue(pipe, [index], args),
        )
        return int(removed)

    async def session_facts(self, session: SessionKey) -> list[Fact]:
        return (await self.facts_of([session]))[session]

    async def facts_of(self, sessions: Sequence[SessionKey]) -> dict[SessionKey, list[Fact]]:
        """Every fact of each session, in one round trip."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for session in sessions:
                pipe.hvals(keys.session_facts(self._prefix, *_parts(session)))
            stored = await pipe.execute() if sessions else []
        return {
            session: [fact_from_dict(json.loads(item)) for item in facts]
            for session, facts in zip(sessions, stored, strict=True)
        }


def _written(tasks: Sequence[Task], results: Sequence[object]) -> Written:
    outcomes = results[: len(tasks)]
    return Written(
        changed=sum(1 for result in outcomes if result == CHANGED),
        stored=[
            task
            for task, result in zip(tasks, outcomes, strict=True)
            if result in (CHANGED, UNCHANGED)
        ],
    )


def _parts(session: SessionKey) -> tuple[str, str]:
    return session.tenant_id, session.session_id


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
