"""Reads one agent's events stream and live tasks from Redis (the queue's keys).

Each read returns the stream's bounds and the entries after a position in one atomic
step, so the replay rule (``replay.judge``) is applied to exactly the entries it read.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from mysessions_platform.lua import LuaScript, run_pipeline
from queue_service.adapters import keys
from redis.asyncio import Redis

from gateway_service.live.ids import StreamId, parse_id
from gateway_service.live.replay import Bounds, Position

__all__ = ["BATCH", "AgentStream", "Entry", "Read"]

BATCH: Final = 100
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
class Entry:
    id: str
    view: str
    """The task's view JSON (``contracts.TaskView``), as the queue wrote it."""


@dataclass(frozen=True, slots=True)
class Read:
    bounds: Bounds
    entries: Sequence[Entry]


class AgentStream:
    def __init__(self, redis: Redis, prefix: str, tenant_id: str, user_id: str) -> None:
        self._redis = redis
        self._stream = keys.agent_events(prefix, tenant_id, user_id)
        self._bounds = keys.agent_events_bounds(prefix, tenant_id, user_id)
        self._live = keys.agent_live(prefix, tenant_id, user_id)
        self._tasks = keys.agent_tasks(prefix, tenant_id, user_id)

    async def bounds(self) -> Bounds:
        return (await self._read("")).bounds

    async def after(self, position: Position) -> Read:
        """The bounds, and up to BATCH entries after ``position`` (all from the start when
        the stream did not exist at that position)."""
        return await self._read("-" if position is None else f"({position}")

    async def _read(self, start: str) -> Read:
        keys_: list[str] = [self._stream, self._bounds]
        args: list[str | int | float] = [start, BATCH]
        ((bounds, entries),) = await run_pipeline(
            self._redis, [_READ], lambda pipe: _READ.queue(pipe, keys_, args)
        )
        first, last, cut = (_id(value) for value in bounds)
        return Read(Bounds(first, last, cut), [_entry(raw) for raw in entries])

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


def _entry(raw: Any) -> Entry:
    entry_id, fields = raw
    pairs = dict(zip(fields[::2], fields[1::2], strict=True))
    return Entry(_text(entry_id), _text(pairs[b"view"]))


def _id(value: bytes | None) -> StreamId | None:
    return None if value is None else parse_id(_text(value))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
