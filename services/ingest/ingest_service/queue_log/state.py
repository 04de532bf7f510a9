"""What the translator remembers about each call between lines."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Visit:
    """One stay of a call in one queue: a service session."""

    service_session_id: str
    service_id: str
    service_name: str
    queued_at: datetime
    accepted_at: datetime | None = None
    open: bool = True
    """False once the caller left the queue, the call ended or was transferred away."""


@dataclass
class Call:
    """One queue_log call id, or one incarnation of it when it re-entered after ending."""

    session_id: str
    visits: int = 0
    offers: dict[str, int] = field(default_factory=dict)
    """Offers so far per user id: the ``<n>`` of ``<session>:<user>:<n>``."""
    visit: Visit | None = None
    ended: bool = False

    def open_visit(self) -> Visit | None:
        return self.visit if self.visit is not None and self.visit.open else None

    def end(self) -> None:
        self.ended = True
        if self.visit is not None:
            self.visit.open = False
