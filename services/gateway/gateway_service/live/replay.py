"""Where a live stream resumes, and when it must tell the client to refetch instead. Pure.

The queue keeps, with each agent's stream, its bounds (``keys.agent_events_bounds``):
``first``, the first entry this stream ever had (it is born again after an expiry or a
rebuild), ``last``, the newest entry added, and ``cut``, the newest entry trimmed away.
Entries are only ever removed by trimming (from the front) or, once a task ended, its
superseded live views (each followed by that task's ended view). So after an id ``X`` with
``first <= X <= last`` and ``cut <= X``, every entry still in the stream is everything the
client needs; any other id has missed entries (or never was one) and gets a refresh.

A position is an id, or ``None``: the stream did not exist when the reader looked.
"""

from dataclasses import dataclass
from typing import Final

from gateway_service.live.ids import ZERO, StreamId, parse_id

__all__ = ["Bounds", "Position", "Refresh", "judge", "start_position"]

Position = StreamId | None


@dataclass(frozen=True, slots=True)
class Bounds:
    first: StreamId | None
    last: StreamId | None
    cut: StreamId | None

    @property
    def tip(self) -> Position:
        return self.last


@dataclass(frozen=True, slots=True)
class Refresh:
    """Refetch the list; then go on from ``tip`` (the id the refresh event carries)."""

    reason: str
    tip: Position


MALFORMED: Final = "the last event id is not a stream id"
UNKNOWN: Final = "the last event id is not in the agent's stream (newer than its last entry)"
TOO_OLD: Final = "the changes since the last event id are no longer kept"
OLDER_LIST: Final = "changes happened since the list was read with an empty stream"


def judge(after: Position, bounds: Bounds) -> str | None:
    """Why resuming after ``after`` would miss something (None: it would not)."""
    if after is None:
        # The reader saw no stream: whatever exists now was born since, so only a trim
        # can have taken something from it.
        return TOO_OLD if bounds.cut is not None else None
    if bounds.last is None or after > bounds.last:
        return UNKNOWN
    if (bounds.first is not None and after < bounds.first) or (
        bounds.cut is not None and after < bounds.cut
    ):
        return TOO_OLD
    return None


def start_position(requested: str | None, bounds: Bounds) -> Position | Refresh:
    """Where a new connection starts: after the requested id, or at the tip read at
    connect when the client names none (nothing after it can be lost, unlike ``$``)."""
    if requested is None:
        return bounds.tip
    wanted = parse_id(requested)
    if wanted is None:
        return Refresh(MALFORMED, bounds.tip)
    if wanted == ZERO:
        # "0-0": the list was read while the stream was empty, at a time we do not know;
        # only a stream that is still empty proves nothing happened since.
        return None if bounds.first is None else Refresh(OLDER_LIST, bounds.tip)
    reason = judge(wanted, bounds)
    return wanted if reason is None else Refresh(reason, bounds.tip)
