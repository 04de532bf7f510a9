"""Session events (contracts) to the domain's context changes, at the edge."""

import contracts as c

from context_service.domain import CallerSet, Change, Ended, Left, ParametersSet, Queued, Started

__all__ = ["CONTEXT_EVENT_TYPES", "TRANSCRIPT_EVENT_TYPES", "to_change"]

CONTEXT_EVENT_TYPES = frozenset(
    {
        "session.started",
        "session.queued",
        "context.parameters_updated",
        "context.caller_updated",
        "session.transferred",
        "session.abandoned",
        "session.queue_exited",
        "session.ended",
        "session.expired",
    }
)
TRANSCRIPT_EVENT_TYPES = frozenset({"transcript.segment", "transcript.final"})


def to_change(event: c.SessionEvent) -> Change | None:
    """The change the event makes to the session's context, None if it makes none."""
    event_id, at = str(event.event_id), event.occurred_at
    match event:
        case c.SessionStarted():
            return Started(
                event_id,
                at,
                event.modality,
                event.direction,
                event.service_id,
                event.service_name,
                event.caller.address,
                event.caller.address_kind,
                event.service_session_id,
                event.caller.display_name,
            )
        case c.SessionQueued():
            return Queued(
                event_id, at, event.service_session_id, event.service_id, event.service_name
            )
        case c.CustomParametersUpdated():
            return ParametersSet(
                event_id, at, event.service_session_id, dict(event.parameters), event.removed
            )
        case c.CallerDetailsUpdated():
            details = event.model_dump(
                include=set(c.CALLER_DETAIL_LIMITS), exclude_none=True, mode="json"
            )
            return CallerSet(event_id, at, event.service_session_id, details)
        case c.SessionTransferred():
            return Left(event_id, at, event.service_session_id, "transferred")
        case c.SessionAbandoned():
            return Left(event_id, at, event.service_session_id, "abandoned")
        case c.SessionQueueExited():
            return Left(event_id, at, event.service_session_id, "queue_exited")
        case c.SessionEnded():
            return Ended(event_id, at, "ended", event.service_session_id)
        case c.SessionExpired():
            return Ended(event_id, at, "expired", event.service_session_id)
    return None
