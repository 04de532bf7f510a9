"""The records of a final session: one per user session, one per service session.

Outcomes and timers are the queue's (its fold decided them); this module only names them
in the outcome dimension, adds after-call work and the service session's view of them.
The service session's outcome follows its last user session ("last outcome"); without
any, how the service session closed decides it.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from reporting_service.domain.facts import SYSTEM_TIMEOUT, SessionFacts, Task, Work
from reporting_service.domain.outcomes import BY_ID
from reporting_service.domain.service_sessions import ServiceSession, service_sessions

_IDS: Final = uuid.UUID("6f0c7a52-93a4-4c3e-9a55-2b0f1d7e4c11")

_UNOFFERED = {
    "abandoned": "abandoned",
    "queue_exited": "queue_exited",
    "transferred": "transferred",
    "expired": "expired",
}


@dataclass(frozen=True, slots=True)
class Record:
    record_id: str
    record_type: str
    tenant_id: str
    session_id: str
    service_session_id: str | None
    user_session_id: str | None
    service_id: str | None
    service_name: str | None
    user_id: str | None
    modality: str
    direction: str
    outcome_id: str
    outcome_name: str
    outcome_group: str
    end_reason: str | None
    inferred: bool
    offers: int
    started_at: datetime
    queued_at: datetime | None
    offered_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime
    acw_started_at: datetime | None
    acw_ended_at: datetime | None
    queue_s: float | None
    ring_s: float | None
    talk_s: float | None
    hold_s: float | None
    acw_s: float | None
    handle_s: float | None
    previous_service_session_id: str | None
    next_service_session_id: str | None
    transfer_target_kind: str | None
    primary_code_id: str | None
    primary_code_label: str | None
    secondary_code_id: str | None
    secondary_code_label: str | None
    tags: tuple[str, ...]
    concluded_by: str | None
    acw_saved_by: str | None


def record_id(tenant_id: str, record_type: str, id_: str) -> str:
    """Deterministic, so a record written twice is one insert and one duplicate."""
    return str(uuid.uuid5(_IDS, json.dumps([tenant_id, record_type, id_])))


def seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round(max(0.0, (end - start).total_seconds()), 3)


def _sum(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return round(sum(known), 3) if known else None


@dataclass(frozen=True, slots=True)
class _Times:
    queue_s: float | None
    ring_s: float | None
    talk_s: float | None
    acw_started_at: datetime | None
    acw_ended_at: datetime | None
    acw_s: float | None
    handle_s: float | None


def _times(task: Task, work: Work | None) -> _Times:
    talk = seconds(task.accepted_at or task.answered_at, task.ended_at)
    acw_start = task.ended_at if work is not None else None
    acw_end = work.saved_at if work is not None else None
    acw = seconds(acw_start, acw_end)
    handle = None if talk is None else round(talk + (acw or 0.0), 3)  # + hold, when known
    return _Times(
        queue_s=seconds(task.queued_at, task.ring_ended_at),
        ring_s=seconds(task.offered_at or task.dialing_at, task.ring_ended_at),
        talk_s=talk,
        acw_started_at=acw_start,
        acw_ended_at=acw_end,
        acw_s=acw,
        handle_s=handle,
    )


def build_records(facts: SessionFacts) -> list[Record]:
    """Every record of a final session (with the system's conclusions already in ``work``)."""
    chain = service_sessions(list(facts.events.values()))
    started = next((e for e in facts.events.values() if e.kind == "session.started"), None)
    modality = (started.modality if started else None) or _first(facts, "modality") or "voice"
    records = [
        _user_record(facts, task, chain.get(task.service_session_id or ""))
        for task in sorted(facts.tasks.values(), key=_order)
    ]
    for ss in chain.values():
        tasks = sorted(
            (t for t in facts.tasks.values() if t.service_session_id == ss.service_session_id),
            key=_order,
        )
        direction = (started.direction if started else None) or "inbound"
        records.append(_service_record(facts, ss, tasks, modality, direction))
    return records


def _order(task: Task) -> tuple[datetime, datetime, str]:
    """Last outcome: the user session offered last (ended last, on a tie) is the last."""
    return (task.started_at, task.ended_at or task.started_at, task.user_session_id)


def _first(facts: SessionFacts, name: str) -> str | None:
    return next((str(getattr(t, name)) for t in facts.tasks.values()), None)


def _work_fields(work: Work | None) -> dict[str, object]:
    return {
        "primary_code_id": work.primary.id if work and work.primary else None,
        "primary_code_label": work.primary.label if work and work.primary else None,
        "secondary_code_id": work.secondary.id if work and work.secondary else None,
        "secondary_code_label": work.secondary.label if work and work.secondary else None,
        "tags": work.tags if work else (),
        "concluded_by": work.concluded_by if work else None,
        "acw_saved_by": work.saved_by if work else None,
    }


def _outcome(outcome_id: str) -> dict[str, str]:
    entry = BY_ID[outcome_id]
    return {"outcome_id": entry.id, "outcome_name": entry.name, "outcome_group": entry.group}


def _user_record(facts: SessionFacts, task: Task, ss: ServiceSession | None) -> Record:
    work = facts.work.get(task.user_session_id)
    times = _times(task, work)
    return Record(
        record_id=record_id(facts.tenant_id, "user_session", task.user_session_id),
        record_type="user_session",
        tenant_id=facts.tenant_id,
        session_id=facts.session_id,
        service_session_id=task.service_session_id,
        user_session_id=task.user_session_id,
        service_id=task.service_id,
        service_name=task.service_name,
        user_id=task.user_id,
        modality=task.modality,
        direction=task.direction,
        **_outcome(task.outcome if task.outcome in BY_ID else "expired"),  # type: ignore[arg-type]
        end_reason=task.end_reason,
        inferred=task.inferred,
        offers=1,
        started_at=task.started_at,
        queued_at=task.queued_at,
        offered_at=task.offered_at or task.dialing_at,
        answered_at=task.accepted_at or task.answered_at,
        ended_at=task.ended_at or task.started_at,
        acw_started_at=times.acw_started_at,
        acw_ended_at=times.acw_ended_at,
        queue_s=times.queue_s,
        ring_s=times.ring_s,
        talk_s=times.talk_s,
        hold_s=None,
        acw_s=times.acw_s,
        handle_s=times.handle_s,
        previous_service_session_id=ss.previous if ss else None,
        next_service_session_id=ss.next if ss else None,
        transfer_target_kind=ss.target_kind if ss else None,
        **_work_fields(work),  # type: ignore[arg-type]
    )


def _service_record(
    facts: SessionFacts, ss: ServiceSession, tasks: list[Task], modality: str, direction: str
) -> Record:
    last = tasks[-1] if tasks else None
    if last is not None and last.outcome in BY_ID:
        outcome = str(last.outcome)
    elif ss.closed_by == "ended":
        outcome = "abandoned" if ss.ended_by == "caller" else "ended_unoffered"
    else:
        outcome = _UNOFFERED.get(ss.closed_by or "", "ended_unoffered")
    per_task = [_times(task, facts.work.get(task.user_session_id)) for task in tasks]
    answered = [t.accepted_at for t in tasks if t.accepted_at is not None]
    offered = [t.offered_at for t in tasks if t.offered_at is not None]
    ended_at = ss.closed_at or max(
        (t.ended_at or t.started_at for t in tasks), default=ss.queued_at
    )
    answered_at = min(answered, default=None)
    work = facts.work.get(last.user_session_id) if last else None
    last_times = per_task[-1] if per_task else None
    return Record(
        record_id=record_id(facts.tenant_id, "service_session", ss.service_session_id),
        record_type="service_session",
        tenant_id=facts.tenant_id,
        session_id=facts.session_id,
        service_session_id=ss.service_session_id,
        user_session_id=None,
        service_id=ss.service_id,
        service_name=ss.service_name,
        user_id=last.user_id if last else None,
        modality=modality,
        direction=direction,
        **_outcome(outcome),  # type: ignore[arg-type]
        end_reason=ss.closed_by,
        inferred=ss.closed_by == "expired",
        offers=len(tasks),
        started_at=ss.queued_at,
        queued_at=ss.queued_at,
        offered_at=min(offered, default=None),
        answered_at=answered_at,
        ended_at=ended_at,
        acw_started_at=last_times.acw_started_at if last_times else None,
        acw_ended_at=last_times.acw_ended_at if last_times else None,
        queue_s=seconds(ss.queued_at, answered_at or ended_at),
        ring_s=last_times.ring_s if last_times else None,
        talk_s=_sum([t.talk_s for t in per_task]),
        hold_s=None,
        acw_s=_sum([t.acw_s for t in per_task]),
        handle_s=_sum([t.handle_s for t in per_task]),
        previous_service_session_id=ss.previous,
        next_service_session_id=ss.next,
        transfer_target_kind=ss.target_kind,
        **_work_fields(work),  # type: ignore[arg-type]
    )


def system_conclusion(task: Task, closes: datetime, saved_by: str = "system") -> Work:
    """The system's after-call work for a task whose window closed: saved at the close, so
    the record is the same whenever the sweep gets to it."""
    return Work(task.user_session_id, closes, "system", saved_by, primary=SYSTEM_TIMEOUT)
