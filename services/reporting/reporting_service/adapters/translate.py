"""Contracts to domain facts and domain records to the contract: the only place the
reporting service reads contracts."""

from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

import contracts as c
from contracts.task_rules import NOT_FACTS

from reporting_service.domain import Code, Record, SessionFact, Task, Work

_IGNORED_MARKERS = tuple(f'"type":"{kind}"'.encode() for kind in sorted(NOT_FACTS))
"""The event types the queue does not fold (``contracts.task_rules.NOT_FACTS``: they count
in no task's ``rev``); reporting needs nothing from them either."""


def surely_ignored(raw: bytes) -> bool:
    """Cheap test on ingest's compact JSON, so transcripts are never decoded here."""
    return any(marker in raw for marker in _IGNORED_MARKERS)


def to_task(task: c.QueueTask) -> Task:
    return Task(
        user_session_id=task.user_session_id,
        user_id=task.user_id,
        service_session_id=task.service_session_id,
        service_id=task.service_id,
        service_name=task.service_name,
        modality=task.modality,
        direction=task.direction,
        state=task.state,
        outcome=task.outcome,
        end_reason=task.end_reason,
        inferred=task.inferred,
        open=task.open,
        started_at=task.started_at,
        queued_at=task.queued_at,
        offered_at=task.offered_at,
        ring_ended_at=task.ring_ended_at,
        accepted_at=task.accepted_at,
        ended_at=task.ended_at,
        dialing_at=task.dialing_at,
        answered_at=task.answered_at,
        rev=task.rev,
    )


def to_session_fact(event: c.SessionEvent) -> SessionFact | None:
    """What reporting keeps of an event: kinds, ids and instants, never the caller."""
    if event.type in NOT_FACTS:
        return None
    fact = SessionFact(event_id=str(event.event_id), kind=event.type, at=event.occurred_at)
    extra: dict[str, str | None] = {}
    match event:
        case c.SessionStarted():
            extra = {
                "service_id": event.service_id,
                "service_name": event.service_name,
                "direction": event.direction,
                "modality": event.modality,
            }
        case c.SessionQueued():
            extra = {
                "service_session_id": event.service_session_id,
                "service_id": event.service_id,
                "service_name": event.service_name,
            }
        case c.SessionTransferred():
            extra = {
                "service_session_id": event.service_session_id,
                "target_kind": event.target.kind,
            }
        case c.SessionAbandoned() | c.SessionQueueExited():
            extra = {"service_session_id": event.service_session_id}
        case c.SessionEnded():
            extra = {"ended_by": event.ended_by}
        case c.UserSessionEvent():
            extra = {
                "service_session_id": event.service_session_id,
                "user_session_id": event.user_session_id,
            }
        case c.OutboundEvent():
            extra = {"user_session_id": event.user_session_id}
    # ``replace``, not a rebuild from ``asdict``: its deep copy of every field was most
    # of the CPU reporting spent per event.
    changes: dict[str, Any] = extra  # only the optional id and kind fields, all str | None
    return replace(fact, **changes)


def _code(code: c.CodeRef | None) -> Code | None:
    return None if code is None else Code(code.id, code.label)


def to_work(saved: c.AfterCallWorkSubmitted) -> Work:
    return Work(
        user_session_id=saved.user_session_id,
        saved_at=saved.occurred_at,
        concluded_by=saved.concluded_by,
        saved_by=saved.saved_by,
        primary=_code(saved.primary_code),
        secondary=_code(saved.secondary_code),
        tags=saved.tags,
    )


def to_contract(record: Record, written_at: datetime) -> c.SessionRecord:
    return c.SessionRecord.model_validate({**asdict(record), "written_at": written_at})
