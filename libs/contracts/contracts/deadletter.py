"""What a worker publishes when it gives up on a message: enough to inspect and replay it."""

from typing import Literal

from pydantic import ConfigDict, Field

from contracts.base import Message, ShortText, UtcMillis


class DeadLetter(Message):
    # Raw bytes may be anything (that is often why they are here): base64 in JSON.
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    type: Literal["deadletter"] = "deadletter"
    source_topic: ShortText
    partition: int = Field(ge=0)
    offset: int = Field(ge=0)
    key: bytes | None = None
    original: bytes = Field(description="The message exactly as it was read.")
    consumer_group: ShortText
    error_kind: Literal["invalid", "failed"] = Field(
        description="invalid: the message can never succeed; failed: retries ran out."
    )
    error: str = Field(max_length=10_000, description="Why; never contains message values.")
    first_failure_at: UtcMillis
    last_failure_at: UtcMillis
    attempts: int = Field(ge=1)
