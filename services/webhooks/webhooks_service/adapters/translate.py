"""Contract messages in, webhook payloads out (``contracts.webhooks``).

``trigger_of`` says whether a message is a trigger event, for which service (or which part
of the session to look the service up by: ``SessionMap``), under which key (the event id,
or the record id of a reporting record: stable, so the webhook id is too), and builds the
payload for an endpoint once its service and caller-details choice are known. ``noted``
says what a message tells about where the session is (``SessionMap.note``).
"""

from collections.abc import Callable
from dataclasses import dataclass

import contracts as c
from contracts import webhooks as w
from pydantic import BaseModel

__all__ = ["Build", "Trigger", "noted", "trigger_of"]

Build = Callable[[str, bool], BaseModel]
"""(service id, include caller details) → the payload."""


@dataclass(frozen=True, slots=True)
class Trigger:
    event_type: w.WebhookEventType
    key: str
    tenant_id: str
    session_id: str
    service_id: str | None
    """None: the service is looked up in the session map by ``part``."""
    part: str | None
    build: Build


def noted(message: BaseModel) -> tuple[str, tuple[str, ...]] | None:
    """(service, parts) the message places in that service; None if it says nothing."""
    if isinstance(message, c.SessionStarted):
        parts = () if message.service_session_id is None else (f"ss:{message.service_session_id}",)
        return message.service_id, parts
    if isinstance(message, c.SessionQueued):
        return message.service_id, (f"ss:{message.service_session_id}",)
    if isinstance(message, c.TaskOffered):
        return message.service_id, (
            f"ss:{message.service_session_id}",
            f"us:{message.user_session_id}",
        )
    return None


def trigger_of(message: BaseModel) -> Trigger | None:
    match message:
        case c.SessionStarted():
            return _started(message)
        case c.TaskOffered() | c.TaskAccepted():
            return _task(message)
        case c.SessionEnded():
            return _ended(message)
        case c.SessionTransferred():
            return _transferred(message)
        case c.AfterCallWorkSubmitted():
            return _acw(message)
        case c.SessionRecord():
            return _record(message)
    return None


def _started(event: c.SessionStarted) -> Trigger:
    def build(service_id: str, include_caller: bool) -> BaseModel:
        data = w.SessionStartedData(
            tenant_id=event.tenant_id,
            service_id=service_id,
            session_id=event.session_id,
            occurred_at=event.occurred_at,
            direction=event.direction,
            modality=event.modality,
            service_name=event.service_name,
            caller=event.caller if include_caller else None,
        )
        return w.SessionStartedPayload(timestamp=event.occurred_at, data=data)

    return Trigger(
        "session.started", str(event.event_id), event.tenant_id, event.session_id,
        event.service_id, None, build,
    )  # fmt: skip


def _task(event: c.TaskOffered | c.TaskAccepted) -> Trigger:
    offered = isinstance(event, c.TaskOffered)

    def build(service_id: str, include_caller: bool) -> BaseModel:
        data = w.TaskData(
            tenant_id=event.tenant_id,
            service_id=service_id,
            session_id=event.session_id,
            occurred_at=event.occurred_at,
            service_session_id=event.service_session_id,
            user_session_id=event.user_session_id,
            user_id=event.user_id,
        )
        if offered:
            return w.TaskOfferedPayload(timestamp=event.occurred_at, data=data)
        return w.TaskAcceptedPayload(timestamp=event.occurred_at, data=data)

    service_id = event.service_id if isinstance(event, c.TaskOffered) else None
    return Trigger(
        "task.offered" if offered else "task.accepted", str(event.event_id), event.tenant_id,
        event.session_id, service_id, f"us:{event.user_session_id}", build,
    )  # fmt: skip


def _ended(event: c.SessionEnded) -> Trigger:
    def build(service_id: str, include_caller: bool) -> BaseModel:
        data = w.SessionEndedData(
            tenant_id=event.tenant_id,
            service_id=service_id,
            session_id=event.session_id,
            occurred_at=event.occurred_at,
            service_session_id=event.service_session_id,
            ended_by=event.ended_by,
            reason=event.reason,
        )
        return w.SessionEndedPayload(timestamp=event.occurred_at, data=data)

    part = None if event.service_session_id is None else f"ss:{event.service_session_id}"
    return Trigger(
        "session.ended", str(event.event_id), event.tenant_id, event.session_id, None, part, build
    )


def _transferred(event: c.SessionTransferred) -> Trigger:
    def build(service_id: str, include_caller: bool) -> BaseModel:
        target = w.TransferTargetData(
            kind=event.target.kind,
            service_id=event.target.service_id,
            user_id=event.target.user_id,
            address=event.target.address if include_caller else None,
        )
        data = w.SessionTransferredData(
            tenant_id=event.tenant_id,
            service_id=service_id,
            session_id=event.session_id,
            occurred_at=event.occurred_at,
            service_session_id=event.service_session_id,
            mode=event.mode,
            target=target,
        )
        return w.SessionTransferredPayload(timestamp=event.occurred_at, data=data)

    return Trigger(
        "session.transferred", str(event.event_id), event.tenant_id, event.session_id, None,
        f"ss:{event.service_session_id}", build,
    )  # fmt: skip


def _acw(event: c.AfterCallWorkSubmitted) -> Trigger:
    def build(service_id: str, include_caller: bool) -> BaseModel:
        data = w.AcwSavedData(
            tenant_id=event.tenant_id,
            service_id=service_id,
            session_id=event.session_id,
            occurred_at=event.occurred_at,
            service_session_id=event.service_session_id,
            user_session_id=event.user_session_id,
            user_id=event.user_id,
            primary_code=event.primary_code,
            secondary_code=event.secondary_code,
            tags=event.tags,
            concluded_by=event.concluded_by,
        )
        return w.AcwSavedPayload(timestamp=event.occurred_at, data=data)

    return Trigger(
        "acw.saved", str(event.event_id), event.tenant_id, event.session_id, event.service_id,
        None, build,
    )  # fmt: skip


def _record(record: c.SessionRecord) -> Trigger | None:
    if record.service_id is None:
        return None  # an outbound attempt outside any service: no owner to tell

    def build(service_id: str, include_caller: bool) -> BaseModel:
        data = w.RecordWrittenData(
            tenant_id=record.tenant_id,
            service_id=service_id,
            session_id=record.session_id,
            occurred_at=record.written_at,
            record=record,
        )
        return w.RecordWrittenPayload(timestamp=record.written_at, data=data)

    return Trigger(
        "reporting.record_written", record.record_id, record.tenant_id, record.session_id,
        record.service_id, None, build,
    )  # fmt: skip
