"""The watchdog's idle indexes (``keys.idle_index``, one per limit class): every session
with a live task, scored by its last activity, so the watchdog finds the silent ones."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from mysessions_platform.lua import run_pipeline
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from queue_service.adapters import keys
from queue_service.adapters.store_types import IdleEntry, SessionKey, SessionTasks, from_ms, to_ms
from queue_service.adapters.watchdog_scripts import FORGET_UNCHANGED
from queue_service.domain import LIMIT_CLASSES, LimitClass, limit_class

__all__ = ["WatchdogIndex"]


class WatchdogIndex:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    def queue_session(self, pipe: Pipeline, session: SessionTasks) -> None:
        """Queues the session's entry after a fold: in its class's index while a task of it
        lives, scored by its newest fact; out of every index otherwise."""
        member = keys.idle_member(session.key.tenant_id, session.key.session_id)
        live = any(task.state != "ended" for task in session.tasks)
        own = limit_class(task.modality for task in session.tasks) if live else None
        for each in LIMIT_CLASSES:
            index = keys.idle_index(self._prefix, each)
            if each == own:
                # GT: never behind an activity that touch() recorded from a later event.
                pipe.zadd(index, {member: to_ms(session.last_fact_at)}, gt=True)
            else:
                pipe.zrem(index, member)

    async def touch(self, activity: Mapping[SessionKey, datetime]) -> None:
        """Moves the last activity of sessions already in an idle index (XX) forward (GT),
        from events that are no facts. One round trip."""
        async with self._redis.pipeline(transaction=False) as pipe:
            self.queue_touch(pipe, activity)
            await pipe.execute()

    def queue_touch(self, pipe: Pipeline, activity: Mapping[SessionKey, datetime]) -> None:
        for session, at in activity.items():
            member = keys.idle_member(session.tenant_id, session.session_id)
            for each in LIMIT_CLASSES:
                index = keys.idle_index(self._prefix, each)
                pipe.zadd(index, {member: to_ms(at)}, xx=True, gt=True)

    async def idle_sessions(
        self, limit_class: LimitClass, idle_before: datetime, limit: int, offset: int = 0
    ) -> list[IdleEntry]:
        """Sessions of the class whose last activity is not after ``idle_before``, oldest
        first."""
        members: list[tuple[bytes, float]] = await self._redis.zrangebyscore(
            keys.idle_index(self._prefix, limit_class),
            "-inf",
            to_ms(idle_before),
            start=offset,
            num=limit,
            withscores=True,
        )  # type: ignore[assignment]
        return [
            IdleEntry(SessionKey(*keys.session_of_member(_text(member))), from_ms(score))
            for member, score in members
        ]

    async def forget_idle(self, limit_class: LimitClass, entries: Sequence[IdleEntry]) -> int:
        """Removes entries the index still holds unchanged; returns how many."""
        args: list[str | int] = []
        for entry in entries:
            args += [
                keys.idle_member(entry.session.tenant_id, entry.session.session_id),
                to_ms(entry.active_at),
            ]
        index = keys.idle_index(self._prefix, limit_class)
        (removed,) = await run_pipeline(
            self._redis,
            (FORGET_UNCHANGED,),
            lambda pipe: FORGET_UNCHANGED.queue(pipe, [index], args),
        )
        return int(removed)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
