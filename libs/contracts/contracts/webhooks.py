"""What a trigger-event webhook carries: one payload shape per event type.

Every payload follows the Standard Webhooks envelope (``type``, ``timestamp``, ``data``);
``data`` is one of the shapes below, chosen by ``type``. Caller details (the caller's
address and name, an external transfer destination) are sent only to endpoints that asked
for them (``include_caller``); otherwise those fields are null. Receivers de-duplicate on
the ``webhook-id`` header, which is the same for every attempt of one event to one endpoint.
"""

from typing import Annotated, Final, Literal

from pydantic import Field

from contracts.acw import CodeRef
from contracts.base import Identifier, Message, ShortText, UtcMillis
from contracts.inbound import Direction, Modality
from contracts.parties import Party
from contracts.reporting import SessionRecord

WebhookEventType = Literal[
    "session.started",
    "task.offered",
    "task.accepted",
    "session.ended",
    "session.transferred",
    "acw.saved",
    "reporting.record_written",
]
WEBHOOK_EVENT_TYPES: Final[tuple[WebhookEventType, ...]] = (
    "session.started",
    "task.offered",
    "task.accepted",
    "session.ended",
    "session.transferred",
    "acw.saved",
    "reporting.record_written",
)


class WebhookData(Message):
    """Fields of every event's ``data``: which session of which service, and when."""

    tenant_id: Identifier
    service_id: Identifier
    session_id: Identifier
    occurred_at: UtcMillis = Field(description="When it happened upstream (or was written).")


class SessionStartedData(WebhookData):
    direction: Direction
    modality: Modality
    service_name: ShortText
    caller: Party | None = Field(description="Only for endpoints that include caller details.")


class TaskData(WebhookData):
    """An offer of the session to one agent (``task.offered``, ``task.accepted``)."""

    service_session_id: Identifier
    user_session_id: Identifier
    user_id: Identifier


class SessionEndedData(WebhookData):
    service_session_id: Identifier | None
    ended_by: Literal["caller", "agent", "system"]
    reason: ShortText


class TransferTargetData(Message):
    kind: Literal["service", "user", "external", "unknown"]
    service_id: Identifier | None
    user_id: Identifier | None
    address: str | None = Field(
        description="An external destination; only for endpoints that include caller details."
    )


class SessionTransferredData(WebhookData):
    service_session_id: Identifier = Field(description="The service session being left.")
    mode: Literal["blind", "attended"]
    target: TransferTargetData


class AcwSavedData(WebhookData):
    service_session_id: Identifier | None
    user_session_id: Identifier
    user_id: Identifier
    primary_code: CodeRef | None
    secondary_code: CodeRef | None
    tags: tuple[ShortText, ...]
    concluded_by: Literal["user", "system"]


class RecordWrittenData(WebhookData):
    record: SessionRecord = Field(description="The immutable reporting record, as for BI.")


class _Envelope(Message):
    timestamp: UtcMillis = Field(description="When the event happened (not the attempt).")


class SessionStartedPayload(_Envelope):
    type: Literal["session.started"] = "session.started"
    data: SessionStartedData


class TaskOfferedPayload(_Envelope):
    type: Literal["task.offered"] = "task.offered"
    data: TaskData


class TaskAcceptedPayload(_Envelope):
    type: Literal["task.accepted"] = "task.accepted"
    data: TaskData


class SessionEndedPayload(_Envelope):
    type: Literal["session.ended"] = "session.ended"
    data: SessionEndedData


class SessionTransferredPayload(_Envelope):
    type: Literal["session.transferred"] = "session.transferred"
    data: SessionTransferredData


class AcwSavedPayload(_Envelope):
    type: Literal["acw.saved"] = "acw.saved"
    data: AcwSavedData


class RecordWrittenPayload(_Envelope):
    type: Literal["reporting.record_written"] = "reporting.record_written"
    data: RecordWrittenData


WebhookPayload = Annotated[
    SessionStartedPayload
    | TaskOfferedPayload
    | TaskAcceptedPayload
    | SessionEndedPayload
    | SessionTransferredPayload
    | AcwSavedPayload
    | RecordWrittenPayload,
    Field(discriminator="type"),
]
"""The body of every webhook request (JSON), by ``type``."""
