"""What a run generated, counted from its events, for the CLI's summary."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from contracts import (
    OutboundNotAccepted,
    SessionAbandoned,
    SessionEnded,
    SessionEvent,
    SessionQueueExited,
    SessionStarted,
    TaskOffered,
    UserSessionEvent,
)

OUTCOME_OF_TYPE: Final = {
    "task.accepted": "accepted",
    "task.declined": "declined",
    "task.rona": "rona",
    "task.cancelled": "cancelled",
    "task.rescinded": "rescinded",
    "session.transferred": "transferred",
    "outbound.destination_accepted": "destination_accepted",
    "outbound.destination_declined": "destination_declined",
    "outbound.destination_not_reached": "destination_not_reached",
    "outbound.not_accepted": "not_accepted",
    "outbound.user_aborted": "user_aborted",
}
"""Task outcomes named by the task's own event (and ``transferred``, counted per transfer)."""

OUTCOME_OF_LEAVING: Final = {"session.abandoned": "cancelled", "session.queue_exited": "rona"}
"""The README's who-ended rule: offers still ringing when the caller hangs up in the queue
are Cancelled, when the system takes the call out of the queue RONA."""


@dataclass
class SimulationStats:
    events: int = 0
    events_by_type: Counter[str] = field(default_factory=Counter)
    sessions: Counter[str] = field(default_factory=Counter)
    """By ``"<direction> <modality>"``, e.g. ``"inbound voice"``."""
    outcomes: Counter[str] = field(default_factory=Counter)
    """Task outcomes as the queue folds them (see the README's "Outcomes, states and timers")."""
    left_queue: Counter[str] = field(default_factory=Counter)
    """Service sessions that left the queue unanswered: ``abandoned`` (the caller) or
    ``queue_exited`` (the system)."""
    not_accepted_reasons: Counter[str] = field(default_factory=Counter)
    ended: Counter[str] = field(default_factory=Counter)
    """By ``"<ended_by>: <reason>"``."""
    outbound_skipped: int = 0
    """Outbound calls not placed because no agent of the service was free."""
    first_at: datetime | None = None
    last_at: datetime | None = None
    ringing: dict[str, set[str]] = field(default_factory=dict, repr=False)
    """Offers without an outcome yet, by service session id."""

    def observe(self, event: SessionEvent) -> None:
        self.events += 1
        self.events_by_type[event.type] += 1
        self.first_at = self.first_at or event.occurred_at
        self.last_at = event.occurred_at
        outcome = OUTCOME_OF_TYPE.get(event.type)
        if outcome is not None:
            self.outcomes[outcome] += 1
        if isinstance(event, TaskOffered):
            self.ringing.setdefault(event.service_session_id, set()).add(event.user_session_id)
        elif isinstance(event, UserSessionEvent):
            offers = self.ringing.get(event.service_session_id, set())
            offers.discard(event.user_session_id)
            if not offers:
                self.ringing.pop(event.service_session_id, None)
        elif isinstance(event, SessionAbandoned | SessionQueueExited):
            self.left_queue[event.type.removeprefix("session.")] += 1
            still_ringing = self.ringing.pop(event.service_session_id, set())
            self.outcomes[OUTCOME_OF_LEAVING[event.type]] += len(still_ringing)
        elif isinstance(event, SessionStarted):
            self.sessions[f"{event.direction} {event.modality}"] += 1
        elif isinstance(event, OutboundNotAccepted):
            self.not_accepted_reasons[event.reason] += 1
        elif isinstance(event, SessionEnded):
            self.ended[f"{event.ended_by}: {event.reason}"] += 1

    @property
    def session_count(self) -> int:
        return sum(self.sessions.values())

    def events_per_second(self, duration_s: float) -> float:
        """Events per second of the configured duration, counting the tail of late sessions."""
        return self.events / duration_s
