"""Bytes on a topic to models and back; the only place that knows the wire format (JSON)."""

from typing import Any, Final

from pydantic import BaseModel, TypeAdapter

from contracts.catalogs import CodeSet, ConversationContext
from contracts.changelog import QueueTask
from contracts.reasons import explain as explain  # where the workers import it from
from contracts.service_settings import ServiceSettings, TenantSettings
from contracts.topic_messages import TOPIC_MESSAGES
from contracts.transcripts import LiveCaption
from contracts.unions import (
    AfterCallWork,
    DeadLetterMessage,
    EmailReply,
    ReportingRecord,
    SessionEvent,
)
from contracts.views import TaskView
from contracts.webhooks import WebhookPayload

SESSION_EVENT_ADAPTER: Final[TypeAdapter[SessionEvent]] = TypeAdapter(SessionEvent)
AFTER_CALL_WORK_ADAPTER: Final[TypeAdapter[AfterCallWork]] = TypeAdapter(AfterCallWork)
REPORTING_RECORD_ADAPTER: Final[TypeAdapter[ReportingRecord]] = TypeAdapter(ReportingRecord)
DEAD_LETTER_ADAPTER: Final[TypeAdapter[DeadLetterMessage]] = TypeAdapter(DeadLetterMessage)
QUEUE_TASK_ADAPTER: Final[TypeAdapter[QueueTask]] = TypeAdapter(QueueTask)
EMAIL_REPLY_ADAPTER: Final[TypeAdapter[EmailReply]] = TypeAdapter(EmailReply)

TOPIC_ADAPTERS: Final[dict[str, TypeAdapter[Any]]] = {
    topic: TypeAdapter(message.type) for topic, message in TOPIC_MESSAGES.items()
}

VIEW_ADAPTERS: Final[dict[str, TypeAdapter[Any]]] = {
    "view.task.v1": TypeAdapter(TaskView),
    "settings.service.v1": TypeAdapter(ServiceSettings),
    "settings.tenant.v1": TypeAdapter(TenantSettings),
    "settings.code_set.v1": TypeAdapter(CodeSet),
    "settings.conversation_context.v1": TypeAdapter(ConversationContext),
    "view.caption.v1": TypeAdapter(LiveCaption),
    "webhook.payload.v1": TypeAdapter(WebhookPayload),
}
"""Shapes that are no topic's but are read by other tools: the task view goes to
``view --json``, the agent's live channel and the gateway; the settings documents are
what the settings store keeps and every worker reads; the webhook payload is what the
webhooks worker sends to service owners' endpoints."""


def encode(message: BaseModel) -> bytes:
    return message.model_dump_json().encode()


def decode_session_event(raw: bytes | str) -> SessionEvent:
    """Raises ``pydantic.ValidationError`` for anything that is not a valid session event."""
    return SESSION_EVENT_ADAPTER.validate_json(raw)


def decode_after_call_work(raw: bytes | str) -> AfterCallWork:
    """Raises ``pydantic.ValidationError`` for anything that is not valid after-call work."""
    return AFTER_CALL_WORK_ADAPTER.validate_json(raw)


def topic_json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of each topic, as committed under libs/contracts/schemas."""
    return {topic: adapter.json_schema() for topic, adapter in TOPIC_ADAPTERS.items()}


def view_json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of each shared view, committed beside the topics'."""
    return {name: adapter.json_schema() for name, adapter in VIEW_ADAPTERS.items()}
