"""What a run generated, counted from its events, for the CLI's summary."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from contracts import OutboundNotAccepted, SessionEnded, SessionEvent, SessionStarted

OUTCOME_OF_TYPE: Final = {
    "task.accepted": "accepted",
    "task.declined": "declined",
    "task.rona": "rona",
    "task.cancelled": "cancelled",
    "task.rescinded": "rescinded",
    "session.abandoned": "abandoned",
    "session.transferred": "transferred",
    "outbound.destination_accepted": "destination_accepted",
    "outbound.destination_declined": "destination_declined",
    "outbound.destination_not_reached": "destination_not_reached",
    "outbound.not_accepted": "not_accepted",
    "outbound.user_aborted": "user_aborted",
}
"""Names follow ``contracts.Outcome`` where one exists."""


@dataclass
class SimulationStats:
    events: int = 0
    events_by_type: Counter[str] = field(default_factory=Counter)
    sessions: Counter[str] = field(default_factory=Counter)
    """By ``"<direction> <modality>"``, e.g. ``"inbound voice"``."""
    outcomes: Counter[str] = field(default_factory=Counter)
    not_accepted_reasons: Counter[str] = field(default_factory=Counter)
    ended: Counter[str] = field(default_factory=Counter)
    """By ``"<ended_by>: <reason>"``."""
    outbound_skipped: int = 0
    """Outbound calls not placed because no agent of the service was free."""
    first_at: datetime | None = None
    last_at: datetime | None = None

    def observe(self, event: SessionEvent) -> None:
        self.events += 1
        self.events_by_type[event.type] += 1
        self.first_at = self.first_at or event.occurred_at
        self.last_at = event.occurred_at
        outcome = OUTCOME_OF_TYPE.get(event.type)
        if outcome is not None:
            self.outcomes[outcome] += 1
        if isinstance(event, SessionStarted):
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
