"""Field types and the base model shared by every message."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints


def _to_utc_millis(value: datetime) -> datetime:
    """Kafka timestamps and BI tools work in milliseconds; finer precision only breaks equality."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00: a valid input, but no UTC instant
        raise ValueError("a time outside the years 1 to 9999 once in UTC") from None
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


UtcMillis = Annotated[AwareDatetime, AfterValidator(_to_utc_millis)]
"""A timezone-aware instant, stored in UTC with millisecond precision. Naive times are rejected."""

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/-]*$"),
]
"""Tenant, service, user and session ids: printable, no spaces, safe in Redis keys and URLs."""

ShortText = Annotated[str, StringConstraints(max_length=256)]


class Message(BaseModel):
    """Every message is immutable and rejects unknown fields, so typos fail loudly."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(Message):
    """Fields every session event carries."""

    event_id: UUID = Field(description="Unique per event; the de-duplication key.")
    occurred_at: UtcMillis = Field(description="When it happened upstream, not when it arrived.")
    tenant_id: Identifier
    session_id: Identifier
