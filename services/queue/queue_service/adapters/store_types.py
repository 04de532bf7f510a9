"""What the queue's Redis stores take and give, and the instants they keep as scores."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from queue_service.domain import Task

__all__ = ["IdleEntry", "SessionKey", "SessionTasks", "from_ms", "to_ms"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def to_ms(instant: datetime) -> int:
    # Integer arithmetic: a float timestamp can land a millisecond short when converted
    # back, and an index score must survive the round trip exactly.
    return (instant - _EPOCH) // _MS


def from_ms(ms: float) -> datetime:
    return _EPOCH + int(ms) * _MS


@dataclass(frozen=True)
class SessionKey:
    tenant_id: str
    session_id: str


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
