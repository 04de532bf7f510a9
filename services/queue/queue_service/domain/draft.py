"""A task while the fold is building it: mutable, private to one fold call.

Only :meth:`Draft.connect`, :meth:`Draft.ring` and :meth:`Draft.end` change the state,
and all refuse to move backwards, which is what makes a late or repeated event harmless:
once connected a task never rings again, and once ended its first outcome stays.
"""

from dataclasses import dataclass
from datetime import datetime

from queue_service.domain.facts import Fact
from queue_service.domain.task import UNANSWERED, Outcome, State


@dataclass(frozen=True, slots=True)
class Party:
    """Who is on the other end: caller, e-mail sender, chat visitor or dialed destination."""

    display_name: str | None
    address: str | None
    kind: str | None

    @classmethod
    def of(cls, fact: Fact) -> "Party | None":
        if fact.party_address is None and fact.party_display_name is None:
            return None
        return cls(fact.party_display_name, fact.party_address, fact.party_kind)


@dataclass(slots=True)
class ServiceSession:
    """The session's stay in one service."""

    service_session_id: str
    service_id: str | None = None
    priority: int = 0
    queued_at: datetime | None = None
    closed_by: Fact | None = None
    """``session.abandoned``, ``session.queue_exited`` or a transfer away (not to a user):
    nobody can take this service session any more, so an offer of it that shows up later
    is closed at once."""


@dataclass(slots=True)
class Draft:
    user_session_id: str
    user_id: str
    attempt: bool
    """An outbound attempt by the agent (``outbound.*``) rather than an offer (``task.*``)."""
    service_session_id: str | None
    created_at: datetime
    updated_at: datetime
    service_id: str | None = None
    destination: Party | None = None
    state: State = "incoming"
    """``incoming`` for an offer, ``dialing`` for an attempt (set where it is created)."""
    outcome: Outcome | None = None
    end_reason: str | None = None
    inferred: bool = False
    offered_at: datetime | None = None
    ring_ended_at: datetime | None = None
    accepted_at: datetime | None = None
    ended_at: datetime | None = None
    dialing_at: datetime | None = None
    ringing_at: datetime | None = None
    answered_at: datetime | None = None

    @property
    def live(self) -> bool:
        return self.state != "ended"

    @property
    def unanswered(self) -> bool:
        """Incoming, dialing or ringing: nobody answered yet and the task is not over."""
        return self.state in UNANSWERED

    @property
    def connected_outcome(self) -> Outcome:
        """The outcome a connected task keeps when it ends for any reason."""
        return "destination_accepted" if self.attempt else "accepted"

    def ring(self) -> bool:
        """Dialing → ringing (the destination's phone rings); ``False`` from any other state."""
        if self.state != "dialing":
            return False
        self.state = "ringing"
        return True

    def connect(self, at: datetime) -> bool:
        """Unanswered → connected; ``False`` (and no change) from any other state."""
        if not self.unanswered:
            return False
        self.state = "connected"
        self.ring_ended_at = at
        return True

    def end(
        self, at: datetime, outcome: Outcome, reason: str | None = None, *, inferred: bool = False
    ) -> bool:
        """Live → ended with ``outcome``; ``False`` (and no change) if it already ended."""
        if not self.live:
            return False
        if self.unanswered:
            self.ring_ended_at = at
        self.state = "ended"
        self.outcome = outcome
        self.end_reason = reason
        self.inferred = inferred
        self.ended_at = at
        return True
