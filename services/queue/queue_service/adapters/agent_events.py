"""Reads one agent's events stream (``keys.agent_events``) with its bounds, and the ids of
the agent's live tasks: what a live stream (the gateway's SSE) replays and follows.

Each read returns the stream's bounds and the entries after a position in one atomic
step, so a reader's replay rule is applied to exactly the entries it read. Ids are the
stream's own (``<ms>-<seq>``), as text: what they mean to a client is the reader's business.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from mysessions_platform.lua import LuaScript, run_pipeline
from redis.asyncio import Redis

from queue_service.adapters import keys

__all__ = ["EVENTS_BATCH", "AgentEvents", "EventsRead"]

EVENTS_BATCH: Final = 100
"""Entries per read; a reader behind by more reads again at once."""

_READ: Final = LuaScript(
    """
-- KEYS: 1 the agent's events stream, 2 its bounds hash (one slot)
-- ARGV: 1 '' (bounds only), '-' (from the start) or '(' .. id (after it); 2 most entries
local bounds = redis.call('HMGET', KEYS[2], 'first', 'last', 'cut')
local entries = {}
if ARGV[1] ~= '' then
  entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
end
return {bounds, entries}
"""
)


@dataclass(frozen=True, slots=True)
class EventsRead:
    """The stream's bounds (see ``keys.agent_events_bounds``; None where absent) and the
    entries read: (entry id, the task's view JSON, ``contracts.TaskView``)."""

    first: str | None
    last: str | None
    cut: str | None
    entries: Sequence[tuple[str, str]]


class AgentEvents:
    def __init__(self, redis: Redis, prefix: str, tenant_id: str, user_id: str) -> None:
        self._redis = redis
        self._stream = keys.agent_events(prefix, tenant_id, user_id)
        self._bounds = keys.agent_events_bounds(prefix, tenant_id, user_id)
        self._live = keys.agent_live(prefix, tenant_id, user_id)
        self._tasks = keys.agent_tasks(prefix, tenant_id, user_id)

    async def bounds(self) -> EventsRead:
        """The bounds only (no entry)."""
        return await self._read("")

    async def after(self, entry_id: str | None) -> EventsRead:
        """The bounds, and up to EVENTS_BATCH entries after ``entry_id`` (from the start
        when None)."""
        return await self._read("-" if entry_id is None else f"({entry_id}")

    async def _read(self, start: str) -> EventsRead:
        keys_: list[str] = [self._stream, self._bounds]
        args: list[str | int | float] = [start, EVENTS_BATCH]
        ((bounds, entries),) = await run_pipeline(
            self._redis, [_READ], lambda pipe: _READ.queue(pipe, keys_, args)
        )
        first, last, cut = (_optional(value) for value in bounds)
        return EventsRead(first, last, cut, [_entry(raw) for raw in entries])

    async def newest_id(self) -> str | None:
        """The id of the stream's newest entry (``XREVRANGE … COUNT 1``); None when empty."""
        client: Any = self._redis  # redis-py's command types are unions of sync and async
        newest = await client.xrevrange(self._stream, count=1)
        return _text(newest[0][0]) if newest else None

    async def live_tasks(self) -> list[tuple[str, str]]:
        """(session_id, user_session_id) of the agent's live tasks now."""
        client: Any = self._redis  # redis-py's command types are unions of sync and async
        ids: list[bytes] = await client.zrange(self._live, 0, -1)
        if not ids:
            return []
        stored: list[bytes | None] = await client.hmget(self._tasks, ids)
        return [
            (str(json.loads(raw)["session_id"]), _text(task_id))
            for task_id, raw in zip(ids, stored, strict=True)
            if raw is not None
        ]


def _entry(raw: Any) -> tuple[str, str]:
    entry_id, fields = raw
    pairs = dict(zip(fields[::2], fields[1::2], strict=True))
    return _text(entry_id), _text(pairs[b"view"])


def _optional(value: bytes | str | None) -> str | None:
    return None if value is None else _text(value)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
