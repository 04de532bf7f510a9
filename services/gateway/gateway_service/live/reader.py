"""One agent's events stream and live tasks, read through the queue's read API
(``queue_service.read.AgentEvents``), with the stream's ids parsed for the replay rule.

Each read returns the stream's bounds and the entries after a position in one atomic
step (the queue's reader does it), so the replay rule (``replay.judge``) is applied to
exactly the entries it read.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from queue_service.read import EVENTS_BATCH, AgentEvents, EventsRead

from gateway_service.live.ids import StreamId, parse_id
from gateway_service.live.replay import Bounds, Position

__all__ = ["BATCH", "AgentStream", "Entry", "Read"]

BATCH = EVENTS_BATCH
"""Entries per read; a reader behind by more reads again at once."""


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
    def __init__(self, events: AgentEvents) -> None:
        self._events = events

    async def bounds(self) -> Bounds:
        return _read(await self._events.bounds()).bounds

    async def after(self, position: Position) -> Read:
        """The bounds, and up to BATCH entries after ``position`` (all from the start when
        the stream did not exist at that position)."""
        return _read(await self._events.after(None if position is None else str(position)))

    async def live_tasks(self) -> list[tuple[str, str]]:
        """(session_id, user_session_id) of the agent's live tasks now."""
        return await self._events.live_tasks()


def _read(read: EventsRead) -> Read:
    first, last, cut = (_id(value) for value in (read.first, read.last, read.cut))
    return Read(Bounds(first, last, cut), [Entry(id_, view) for id_, view in read.entries])


def _id(value: str | None) -> StreamId | None:
    return None if value is None else parse_id(value)
