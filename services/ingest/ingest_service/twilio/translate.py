"""TaskRouter's event callback (a form post) -> session events, statelessly.

A Task is the session (``TaskSid``); its stay in one TaskQueue is a service session
(``<TaskSid>:<TaskQueueSid>``); a Reservation is one offer to one Worker, the user session
(``ReservationSid``). The instant is the event's own ``TimestampMs`` (or ``Timestamp``, in
seconds), never the arrival. Ids are uuid5 of the tenant and the event's ``Sid`` (a
redelivered callback has the same ``Sid``), except ``session.started``, ``session.queued``
and ``session.ended``, which several callbacks may imply: their ids come from the task (and
queue), so whichever callback arrives first is kept and the others are dropped as duplicates.
See README "Twilio TaskRouter" for the mapping table.
"""

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from contracts import (
    SessionAbandoned,
    SessionEnded,
    SessionEvent,
    SessionQueued,
    SessionQueueExited,
    SessionStarted,
    SessionTransferred,
    TaskAccepted,
    TaskCancelled,
    TaskDeclined,
    TaskOffered,
    TaskRescinded,
    TaskRingNoAnswer,
    TransferTarget,
)

from ingest_service.queue_log.caller import caller_party
from ingest_service.queue_log.identifiers import fit, is_identifier, safe_identifier

NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mysessions:ingest:twilio-taskrouter")

ReservationOutcome = type[
    TaskAccepted | TaskDeclined | TaskRingNoAnswer | TaskCancelled | TaskRescinded
]
RESERVATION_OUTCOMES: Final[dict[str, ReservationOutcome]] = {
    "reservation.accepted": TaskAccepted,
    "reservation.rejected": TaskDeclined,
    "reservation.timeout": TaskRingNoAnswer,
    "reservation.canceled": TaskCancelled,
    "reservation.rescinded": TaskRescinded,
}
ENDING: Final = frozenset({"task.wrapup", "task.completed"})


class InvalidCallback(ValueError):
    """A callback without what its EventType needs; the message names the field only."""


@dataclass(frozen=True)
class TwilioOptions:
    tenant_id: str
    workers: Mapping[str, str] = field(default_factory=dict)
    """WorkerSid or worker friendly name -> user id."""
    queues: Mapping[str, str] = field(default_factory=dict)
    """TaskQueueSid or queue friendly name -> service id."""

    def user_id(self, sid: str, name: str) -> str:
        mapped = self.workers.get(sid) or self.workers.get(name)
        return mapped or safe_identifier(name or sid, lower=True, fallback="worker")

    def service_id(self, sid: str, name: str) -> str:
        mapped = self.queues.get(sid) or self.queues.get(name)
        return mapped or safe_identifier(name or sid, lower=True, fallback="queue")


def _field(form: Mapping[str, str], name: str) -> str:
    value = form.get(name, "").strip()
    if not value:
        raise InvalidCallback(f"{name}: missing")
    if not is_identifier(value):
        raise InvalidCallback(f"{name}: not an identifier")
    return value


def _instant(form: Mapping[str, str]) -> datetime:
    for name, divisor in (("TimestampMs", 1000), ("Timestamp", 1)):
        raw = form.get(name, "").strip()
        if raw:
            try:
                return datetime.fromtimestamp(int(raw) / divisor, UTC)
            except (ValueError, OverflowError, OSError):
                raise InvalidCallback(f"{name}: not epoch time") from None
    raise InvalidCallback("Timestamp: missing")


class _Callback:
    def __init__(self, options: TwilioOptions, form: Mapping[str, str]) -> None:
        self.options = options
        self.form = form
        self.type = form.get("EventType", "")
        self.at = _instant(form)
        self.task = _field(form, "TaskSid")
        self.key = form.get("Sid") or "|".join(
            (
                self.type,
                form.get("ResourceSid", ""),
                form.get("TimestampMs", ""),
                form.get("Timestamp", ""),
            )
        )
        self.events: list[SessionEvent] = []

    def _id(self, *parts: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, "\x1f".join((self.options.tenant_id, *parts)))

    def _own_id(self) -> uuid.UUID:
        return self._id(self.key, str(len(self.events)))

    def _base(self, event_id: uuid.UUID, at: datetime) -> dict[str, object]:
        return {
            "event_id": event_id,
            "occurred_at": at,
            "tenant_id": self.options.tenant_id,
            "session_id": self.task,
        }

    def queue(self) -> tuple[str, str, str]:
        """(service session id, service id, service name) of the task's current queue."""
        sid = _field(self.form, "TaskQueueSid")
        name = self.form.get("TaskQueueName", "").strip()[:256]
        return fit(f"{self.task}:{sid}"), self.options.service_id(sid, name), name or sid

    def queued_at(self) -> datetime:
        """When the task entered its queue: this event for task-queue.entered; for a later
        callback, ``TaskQueueEnteredDate`` (ISO 8601), else its ``TaskAge`` before it."""
        if self.type == "task-queue.entered":
            return self.at
        entered = self.form.get("TaskQueueEnteredDate", "").strip()
        if entered:
            try:
                parsed = datetime.fromisoformat(entered.replace("Z", "+00:00"))
                if parsed.tzinfo is not None:
                    return parsed
            except ValueError:
                pass
        age = self.form.get("TaskAge", "").strip()
        return self.at - timedelta(seconds=int(age)) if age.isdigit() else self.at

    def started_and_queued(self) -> None:
        service_session, service_id, service_name = self.queue()
        at = self.queued_at()
        try:
            attributes = json.loads(self.form.get("TaskAttributes") or "{}")
        except ValueError:
            raise InvalidCallback("TaskAttributes: not JSON") from None
        attributes = attributes if isinstance(attributes, dict) else {}
        number, name = attributes.get("from"), attributes.get("caller_name")
        caller = caller_party(
            number if isinstance(number, str) else "", name if isinstance(name, str) else ""
        )
        self.events.append(
            SessionStarted.model_validate(
                {
                    **self._base(self._id(self.task, "started"), at),
                    "direction": "inbound",
                    "modality": "voice",
                    "service_id": service_id,
                    "service_name": service_name,
                    "caller": caller,
                    "service_session_id": service_session,
                }
            )
        )
        self.events.append(
            SessionQueued.model_validate(
                {
                    **self._base(self._id(service_session, "queued"), at),
                    "service_session_id": service_session,
                    "service_id": service_id,
                    "service_name": service_name,
                }
            )
        )

    def reservation(self) -> dict[str, object]:
        service_session, _, _ = self.queue()
        worker = _field(self.form, "WorkerSid")
        return {
            "service_session_id": service_session,
            "user_session_id": _field(self.form, "ReservationSid"),
            "user_id": self.options.user_id(worker, self.form.get("WorkerName", "").strip()),
        }

    def offered(self) -> None:
        self.started_and_queued()
        _, service_id, _ = self.queue()
        self.events.append(
            TaskOffered.model_validate(
                {
                    **self._base(self._own_id(), self.at),
                    **self.reservation(),
                    "service_id": service_id,
                }
            )
        )

    def outcome(self) -> None:
        kind = RESERVATION_OUTCOMES[self.type]
        self.events.append(
            kind.model_validate({**self._base(self._own_id(), self.at), **self.reservation()})
        )

    def ended(self, ended_by: Literal["caller", "agent", "system"], reason: str) -> None:
        service_session, _, _ = self.queue()
        self.events.append(
            SessionEnded.model_validate(
                {
                    **self._base(self._id(self.task, "ended"), self.at),
                    "ended_by": ended_by,
                    "reason": reason,
                    "service_session_id": service_session,
                }
            )
        )

    def canceled(self) -> None:
        """The task left the queue unanswered: the caller hung up, or its TTL ran out."""
        service_session, _, _ = self.queue()
        reason = self.form.get("TaskCanceledReason", "").casefold()
        base = {**self._base(self._own_id(), self.at), "service_session_id": service_session}
        if "ttl" in reason or "timeout" in reason:
            self.events.append(SessionQueueExited.model_validate({**base, "reason": "timeout"}))
            self.ended("system", "queue_exited")
        else:
            self.events.append(SessionAbandoned.model_validate(base))
            self.ended("caller", "abandoned")

    def transfer(self) -> None:
        service_session, _, _ = self.queue()
        kind = self.form.get("TransferType", "").strip().upper()
        to = _field(self.form, "TransferTo")
        if kind == "WORKER":
            target = TransferTarget(kind="user", user_id=self.options.user_id(to, ""))
        elif kind == "QUEUE":
            target = TransferTarget(kind="service", service_id=self.options.service_id(to, ""))
        else:
            raise InvalidCallback("TransferType: not WORKER or QUEUE")
        mode = "attended" if self.form.get("TransferMode", "").upper() == "WARM" else "blind"
        self.events.append(
            SessionTransferred.model_validate(
                {
                    **self._base(self._own_id(), self.at),
                    "service_session_id": service_session,
                    "mode": mode,
                    "target": target,
                }
            )
        )


def translate_taskrouter(options: TwilioOptions, form: Mapping[str, str]) -> list[SessionEvent]:
    """The session events of one callback; [] for an EventType we do not map (workers'
    activities, workflows). Raises ``InvalidCallback`` naming the field it lacks."""
    event_type = form.get("EventType", "")
    mapped = (
        event_type in RESERVATION_OUTCOMES
        or event_type in ENDING
        or event_type
        in (
            "task-queue.entered",
            "reservation.created",
            "task.canceled",
            "task.transfer-initiated",
        )
    )
    if not mapped:
        return []
    callback = _Callback(options, form)
    if event_type == "task-queue.entered":
        callback.started_and_queued()
    elif event_type == "reservation.created":
        callback.offered()
    elif event_type in RESERVATION_OUTCOMES:
        callback.outcome()
    elif event_type in ENDING:
        callback.ended("caller", "normal")
    elif event_type == "task.canceled":
        callback.canceled()
    else:
        callback.transfer()
    return callback.events
