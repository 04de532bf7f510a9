"""Which service session of a live session a connector call changes. Pure.

A call names the service session (``service_session_id``), or the service (``service_id``:
the session's open service session in it). Only an open one is changed: context set in a
service session the call has left would be stored as that service's, after the fact.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from context_service.read import LiveStay

__all__ = ["Missing", "choose"]


@dataclass(frozen=True, slots=True)
class Missing:
    """No open service session matches; ``reason`` is the refusal's sentence."""

    reason: str


def choose(
    stays: Sequence[LiveStay], service_session_id: str | None, service_id: str | None
) -> LiveStay | Missing:
    if service_session_id is not None:
        found = next((s for s in stays if s.service_session_id == service_session_id), None)
        if found is None:
            return Missing("the session has no such service session")
    else:
        found = next((s for s in reversed(stays) if s.service_id == service_id and s.open), None)
        if found is None:
            return Missing("the session is not in that service now")
    if not found.open:
        return Missing("the session has left that service session")
    return found
