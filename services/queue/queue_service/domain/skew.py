"""Clock skew between upstream systems: the one rule that keeps it from changing outcomes.

The telephony platform stamps the session's facts; the agent's client stamps what the agent
does (accept, decline, dial). Their clocks may disagree by a few seconds, so a caller's
``session.ended`` can carry an instant *before* the agent's ``task.accepted`` although the
agent answered first. The rule: facts that close a service session or the whole session
are *ordered* as if stamped ``SKEW_TOLERANCE`` later, so a task's own fact within that
tolerance of a close is applied first. Timers still use the real instants (clamped at
zero), so no timer is shifted by the rule.
"""

from datetime import datetime, timedelta
from typing import Final

from queue_service.domain.facts import Fact, FactKind

SKEW_TOLERANCE: Final = timedelta(seconds=5)
"""Larger than the skew of synchronized clocks (NTP keeps them well under a second) and of
the agent clients seen in practice, smaller than any human reaction to a ringing call."""

CLOSING: Final = frozenset(
    {
        FactKind.SESSION_ABANDONED,
        FactKind.SESSION_QUEUE_EXITED,
        FactKind.SESSION_TRANSFERRED,
        FactKind.SESSION_ENDED,
        FactKind.SESSION_EXPIRED,
    }
)
"""Facts that close a service session or the session, and so end its live tasks."""


def ordering_instant(fact: Fact) -> datetime:
    """The instant a fact is ordered by: its own, or ``SKEW_TOLERANCE`` later if it closes."""
    return fact.at + SKEW_TOLERANCE if fact.kind in CLOSING else fact.at
