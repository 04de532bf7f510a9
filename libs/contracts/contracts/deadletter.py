"""What a worker publishes when it gives up on a message: enough to inspect and replay it."""

from typing import Literal

from pydantic import Base64Bytes, Field

from contracts.base import Message, ShortText, UtcMillis


class DeadLetter(Message):
    type: Literal["deadletter"] = "deadletter"
    source_topic: ShortText
    partition: int = Field(ge=0)
    offset: int = Field(ge=0)
    key: Base64Bytes | None = None
    original: Base64Bytes = Field(description="The message exactly as it was read.")
    consumer_group: ShortText
    error_kind: Literal["invalid", "failed"] = Field(
        description="invalid: the message can never succeed; failed: retries ran out."
    )
    error: str = Field(max_length=10_000, description="Why; never contains message values.")
    first_failure_at: UtcMillis
    last_failure_at: UtcMillis
    attempts: int = Field(ge=1)
