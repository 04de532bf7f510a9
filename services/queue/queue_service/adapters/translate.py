"""Contract events to domain facts: the only place the queue service reads contracts."""

import contracts as c
from contracts.task_rules import NOT_FACTS

from queue_service.adapters.email_text import plain_text
from queue_service.domain.facts import Fact, FactKind

_NOT_FACT_MARKERS = tuple(f'"type":"{kind}"'.encode() for kind in sorted(NOT_FACTS))


def surely_not_a_fact(raw: bytes) -> bool:
    """Cheap test on the bytes, so the queue need not decode (most of) the events it drops.

    Ingest writes compact JSON, where the discriminator reads ``"type":"<kind>"``; a quote
    inside any string value is escaped, so these bytes cannot appear there. Another writer's
    spacing only means a miss here, and the full decode then drops the event.
    """
    return any(marker in raw for marker in _NOT_FACT_MARKERS)


def _party(party: c.Party) -> dict[str, str | None]:
    return {
        "party_address": party.address,
        "party_kind": party.address_kind,
        "party_display_name": party.display_name,
    }


def _details(event: c.SessionEvent) -> dict[str, object] | None:  # noqa: C901 - one flat dispatch
    match event:
        case c.SessionStarted():
            return {
                "direction": event.direction,
                "modality": event.modality,
                "service_id": event.service_id,
                "service_name": event.service_name,
                **_party(event.caller),
            }
        case c.SessionQueued():
            return {
                "service_session_id": event.service_session_id,
                "service_id": event.service_id,
                "service_name": event.service_name,
                "priority": event.priority,
            }
        case c.TaskOffered():
            return {
                "service_session_id": event.service_session_id,
                "user_session_id": event.user_session_id,
                "user_id": event.user_id,
                "service_id": event.service_id,
            }
        case c.UserSessionEvent():
            return {
                "service_session_id": event.service_session_id,
                "user_session_id": event.user_session_id,
                "user_id": event.user_id,
            }
        case c.SessionAbandoned():
            return {"service_session_id": event.service_session_id}
        case c.SessionQueueExited():
            return {"service_session_id": event.service_session_id, "reason": event.reason}
        case c.SessionTransferred():
            # An external destination's address is not kept: the fold never needs it.
            return {
                "service_session_id": event.service_session_id,
                "transfer_kind": event.target.kind,
                "transfer_service_id": event.target.service_id,
                "transfer_service_name": event.target.service_name,
                "transfer_user_id": event.target.user_id,
            }
        case c.SessionEnded():
            return {"ended_by": event.ended_by, "reason": event.reason}
        case c.SessionExpired():
            return {"idle_since": event.idle_since}
        case c.OutboundDialing():
            return {
                "user_session_id": event.user_session_id,
                "user_id": event.user_id,
                "service_id": event.service_id,
                **_party(event.destination),
            }
        case c.OutboundNotAccepted():
            return {
                "user_session_id": event.user_session_id,
                "user_id": event.user_id,
                "reason": event.reason,
            }
        case c.OutboundEvent():
            return {"user_session_id": event.user_session_id, "user_id": event.user_id}
        case c.EmailReceived():
            return {
                **_party(event.sender),
                "subject": event.subject,
                "snippet": plain_text(event.html_body),
            }
        case c.ChatReceived():
            return {**_party(event.sender), "chat_url": str(event.chat_url)}
    return None  # NOT_FACTS


def acw_fact(work: c.AfterCallWorkSubmitted) -> Fact:
    """Saved after-call work as the fact that clears its task's open marker."""
    return Fact(
        event_id=str(work.event_id),
        kind=FactKind.ACW_SAVED,
        at=work.occurred_at,
        tenant_id=work.tenant_id,
        session_id=work.session_id,
        service_session_id=work.service_session_id,
        user_session_id=work.user_session_id,
        user_id=work.user_id,
        service_id=work.service_id,
    )


def to_fact(event: c.SessionEvent) -> Fact | None:
    """The fact the queue folds, or None for events that do not change any task."""
    details = _details(event)
    if details is None:
        return None
    return Fact(
        event_id=str(event.event_id),
        kind=FactKind(event.type),
        at=event.occurred_at,
        tenant_id=event.tenant_id,
        session_id=event.session_id,
        **details,  # type: ignore[arg-type]
    )
