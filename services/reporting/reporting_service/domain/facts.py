"""What reporting knows of a session: the queue's tasks, the session's events, saved work.

Plain data, translated from the contracts at the edge (``adapters.translate``).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ConcludedBy = Literal["user", "system"]


@dataclass(frozen=True, slots=True)
class Task:
    """A user session as the queue's fold left it (the outcome and timers are the queue's)."""

    user_session_id: str
    user_id: str
    service_session_id: str | None
    service_id: str | None
    service_name: str | None
    modality: str
    direction: str
    state: str
    outcome: str | None
    end_reason: str | None
    inferred: bool
    open: bool
    """After-call work is due on it (the queue's rule, until after-call work owns it)."""
    started_at: datetime
    queued_at: datetime | None
    offered_at: datetime | None
    ring_ended_at: datetime | None
    accepted_at: datetime | None
    ended_at: datetime | None
    dialing_at: datetime | None
    answered_at: datetime | None
    rev: int

    @property
    def ended(self) -> bool:
        return self.state == "ended"


@dataclass(frozen=True, slots=True)
class SessionFact:
    """One event of ``sessions.events.v1``, with only what reporting reads of it."""

    event_id: str
    kind: str
    at: datetime
    folded_by_queue: bool = True
    """Counts in the queue's fold (its ``rev``); media and context events do not."""
    service_session_id: str | None = None
    user_session_id: str | None = None
    service_id: str | None = None
    service_name: str | None = None
    direction: str | None = None
    modality: str | None = None
    target_kind: str | None = None
    """Transfers: service, user, external, unknown."""
    ended_by: str | None = None


@dataclass(frozen=True, slots=True)
class Code:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Work:
    """Saved after-call work of one user session (by the agent, or concluded by the system)."""

    user_session_id: str
    saved_at: datetime
    concluded_by: ConcludedBy
    saved_by: str
    primary: Code | None = None
    secondary: Code | None = None
    tags: tuple[str, ...] = ()


SYSTEM_TIMEOUT = Code("system-timeout", "System timeout")
"""The code the system concludes with when the after-call-work window closed."""


@dataclass(slots=True)
class SessionFacts:
    tenant_id: str
    session_id: str
    tasks: dict[str, Task] = field(default_factory=dict)
    events: dict[str, SessionFact] = field(default_factory=dict)
    work: dict[str, Work] = field(default_factory=dict)
