"""Immutable reporting records, one per user session and one per service session."""

from typing import Literal

from pydantic import Field

from contracts.base import Identifier, Message, ShortText, UtcMillis
from contracts.inbound import Direction, Modality

Outcome = Literal[
    "accepted",
    "declined",
    "rona",
    "cancelled",
    "rescinded",
    "abandoned",
    "not_accepted",
    "user_aborted",
    "destination_accepted",
    "destination_declined",
    "destination_not_reached",
    "expired",
]


class Timers(Message):
    """Durations in seconds, derived from event times; null where they do not apply."""

    queue_s: float | None = None
    ring_s: float | None = None
    connected_s: float | None = None
    dialout_s: float | None = None
    ringing_s: float | None = None


class RecordBase(Message):
    record_id: Identifier = Field(description="Deterministic: the unique key of the insert.")
    tenant_id: Identifier
    session_id: Identifier
    service_session_id: Identifier | None
    service_id: Identifier
    service_name: ShortText
    direction: Direction
    modality: Modality
    started_at: UtcMillis
    ended_at: UtcMillis
    recorded_at: UtcMillis


class UserSessionRecord(RecordBase):
    type: Literal["reporting.user_session"] = "reporting.user_session"
    user_session_id: Identifier
    user_id: Identifier
    outcome: Outcome
    end_reason: ShortText | None = None
    inferred: bool = False
    timers: Timers
    primary_code: Identifier | None = None
    secondary_code: Identifier | None = None
    tags: tuple[str, ...] = ()


class ServiceSessionRecord(RecordBase):
    type: Literal["reporting.service_session"] = "reporting.service_session"
    outcome: Literal["answered", "abandoned", "transferred", "not_answered", "expired"]
    queue_s: float | None = None
    offers: int = Field(ge=0, description="How many agents it was offered to.")
    transferred_to_service_id: Identifier | None = None
