"""Immutable reporting records for BI: one per user session, one per service session.

Written once, when the session is final (see the README, "Reporting for BI"), to MongoDB
(``reporting_records``, insert-only) and to ``reporting.sessions.v1`` (keyed by session id).
One flat shape for both kinds (``record_type``), so a BI table has one set of columns;
fields that do not apply to a kind are null. Outcomes point into the static outcome
dimension (``outcome_id``; the name and group are repeated for convenience).
"""

from typing import Literal

from pydantic import Field

from contracts.base import Identifier, Message, ShortText, UtcMillis
from contracts.inbound import Direction, Modality

RecordType = Literal["user_session", "service_session"]

OutcomeId = Literal[
    "accepted",
    "declined",
    "rona",
    "cancelled",
    "rescinded",
    "expired",
    "destination_accepted",
    "destination_declined",
    "destination_not_reached",
    "not_accepted",
    "user_aborted",
    "abandoned",
    "queue_exited",
    "transferred",
    "ended_unoffered",
]

OutcomeGroup = Literal[
    "handled by user",
    "handled by system",
    "hung up by customer",
    "not handled",
    "error",
    "outbound accepted",
    "outbound not accepted",
]

Seconds = float | None


class SessionRecord(Message):
    type: Literal["reporting.session"] = "reporting.session"
    record_id: Identifier = Field(description="Deterministic (a UUID v5): the unique key.")
    record_type: RecordType
    tenant_id: Identifier
    session_id: Identifier
    service_session_id: Identifier | None = Field(description="Null for outbound attempts.")
    user_session_id: Identifier | None = Field(description="User records only.")
    service_id: Identifier | None
    service_name: ShortText | None
    user_id: Identifier | None = Field(
        description="The agent; on a service record, the agent of its last user session."
    )
    modality: Modality
    direction: Direction
    outcome_id: OutcomeId
    outcome_name: ShortText
    outcome_group: OutcomeGroup
    end_reason: ShortText | None
    inferred: bool = Field(description="Closed by the watchdog, not by an upstream event.")
    offers: int = Field(ge=0, description="User sessions it was offered as (user records: 1).")
    started_at: UtcMillis
    queued_at: UtcMillis | None
    offered_at: UtcMillis | None
    answered_at: UtcMillis | None
    ended_at: UtcMillis
    acw_started_at: UtcMillis | None
    acw_ended_at: UtcMillis | None
    queue_s: Seconds
    ring_s: Seconds
    talk_s: Seconds
    hold_s: Seconds = Field(description="Time on hold while connected: null until upstream says.")
    acw_s: Seconds
    handle_s: Seconds = Field(description="talk_s + hold_s + acw_s; null if never answered.")
    previous_service_session_id: Identifier | None
    next_service_session_id: Identifier | None
    transfer_target_kind: Literal["service", "user", "external", "unknown"] | None
    primary_code_id: Identifier | None
    primary_code_label: ShortText | None
    secondary_code_id: Identifier | None
    secondary_code_label: ShortText | None
    tags: tuple[ShortText, ...] = Field(max_length=20)
    concluded_by: Literal["user", "system"] | None = Field(
        description="Who concluded the after-call work; null when none was due."
    )
    acw_saved_by: Identifier | None
    written_at: UtcMillis = Field(description="When reporting wrote the record.")
