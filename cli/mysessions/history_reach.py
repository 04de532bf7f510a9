"""Which published sessions an agent's history can still show.

The queue keeps an ended task for its history window after the task's last update
(``QUEUE_HISTORY_DAYS``, 30 days): a session whose last event is older than that appears
in no agent's history, however correctly it was translated and sent.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contracts import SessionEvent


@dataclass(frozen=True)
class Reach:
    sessions: int
    events: int
    sessions_outside: int
    """Sessions whose last event lies before now minus the window."""
    events_outside: int
    """The events of those sessions."""
    window: timedelta

    def sentence(self) -> str:
        days = f"{self.window / timedelta(days=1):g}"
        if not self.sessions:
            return "no sessions were sent"
        if not self.sessions_outside:
            return f"all {self.sessions} sessions lie within the queue's {days}-day history window"
        return (
            f"{self.sessions_outside} of {self.sessions} sessions ({self.events_outside} of "
            f"{self.events} events) had their last event more than {days} days ago, outside "
            "the queue's history window (QUEUE_HISTORY_DAYS): they will not appear in any "
            "agent's history"
        )


@dataclass
class HistoryReach:
    """Tallies events as they pass, then says how many fall outside the history window."""

    _last: dict[tuple[str, str], datetime] = field(default_factory=dict)
    _events: dict[tuple[str, str], int] = field(default_factory=dict)

    def observe(self, events: Iterable[SessionEvent]) -> list[SessionEvent]:
        """Returns the events, unchanged, so it can sit in front of a sender."""
        seen = list(events)
        for event in seen:
            session = (event.tenant_id, event.session_id)
            last = self._last.get(session)
            if last is None or event.occurred_at > last:
                self._last[session] = event.occurred_at
            self._events[session] = self._events.get(session, 0) + 1
        return seen

    def reach(self, now: datetime, window: timedelta) -> Reach:
        # The queue keeps a task updated exactly ``window`` ago (retention.history_to_drop).
        outside = [session for session, last in self._last.items() if last < now - window]
        return Reach(
            sessions=len(self._last),
            events=sum(self._events.values()),
            sessions_outside=len(outside),
            events_outside=sum(self._events[session] for session in outside),
            window=window,
        )
