"""The queue's changelog: the latest stored form of every task, on a compacted topic.

Redis holds the agents' lists as a materialized view; this topic is what restores its whole
history window after Redis is lost, without keeping the raw events (which carry callers'
numbers) that long: the way Kafka Streams backs a state store with a changelog topic.
Keyed by the task's identity (see ``task_key``), so compaction keeps the newest version.
"""

import json
from typing import Literal

from pydantic import Field

from contracts.base import Identifier, Message, ShortText, UtcMillis
from contracts.inbound import Direction, Modality
from contracts.task_rules import TaskOutcome, TaskState


class QueueTask(Message):
    """One task as the queue stores it (the fields of the queue domain's ``Task``)."""

    type: Literal["queue.task"] = "queue.task"
    tenant_id: Identifier
    session_id: Identifier
    service_session_id: Identifier | None
    user_session_id: Identifier
    user_id: Identifier
    service_id: Identifier | None
    service_name: ShortText | None
    priority: int = Field(ge=0, le=100)
    modality: Modality
    direction: Direction
    state: TaskState
    outcome: TaskOutcome | None
    end_reason: ShortText | None
    inferred: bool
    open: bool
    caller_display_name: ShortText | None
    caller_address: str | None = Field(max_length=320)
    caller_kind: ShortText | None
    started_at: UtcMillis
    queued_at: UtcMillis | None
    offered_at: UtcMillis | None
    ring_ended_at: UtcMillis | None
    accepted_at: UtcMillis | None
    ended_at: UtcMillis | None
    dialing_at: UtcMillis | None
    ringing_at: UtcMillis | None
    answered_at: UtcMillis | None
    updated_at: UtcMillis
    subject: str | None = Field(max_length=998)
    snippet: str | None = Field(max_length=160)
    chat_url: str | None = Field(max_length=2048)
    rev: int = Field(ge=0, description="How many distinct facts the task was folded from.")


def task_key(tenant_id: str, user_id: str, user_session_id: str) -> bytes:
    """The changelog key: a JSON array, so no two different identities can meet."""
    return json.dumps([tenant_id, user_id, user_session_id], separators=(",", ":")).encode()
