"""What a worker publishes when it gives up on a message: enough to inspect and replay it."""

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from contracts.base import Message, ShortText, UtcMillis
from contracts.limits import DEAD_LETTER_MAX_KEY_BYTES, DEAD_LETTER_PREFIX_BYTES, MAX_EVENT_BYTES


class DeadLetter(Message):
    # Raw bytes may be anything (that is often why they are here): base64 in JSON.
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    type: Literal["deadletter"] = "deadletter"
    source_topic: ShortText
    partition: int = Field(ge=0)
    offset: int = Field(ge=0)
    key: bytes | None = Field(
        default=None,
        description=f"The record's key; its first {DEAD_LETTER_MAX_KEY_BYTES} bytes if longer.",
    )
    key_truncated: bool = False
    original: bytes = Field(
        description=(
            f"The message exactly as it was read, up to {MAX_EVENT_BYTES} bytes; above that"
            f" only its first {DEAD_LETTER_PREFIX_BYTES} bytes (see original_truncated)."
        )
    )
    original_length: int = Field(ge=0, description="Length of the whole original, in bytes.")
    original_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the whole original, hex."
    )
    original_truncated: bool = Field(
        description="True when ``original`` holds only the first bytes of the message."
    )
    consumer_group: ShortText
    error_kind: Literal["invalid", "failed"] = Field(
        description="invalid: the message can never succeed; failed: retries ran out."
    )
    error: str = Field(max_length=10_000, description="Why; never contains message values.")
    first_failure_at: UtcMillis
    last_failure_at: UtcMillis
    attempts: int = Field(ge=1)

    @model_validator(mode="after")
    def _whole_unless_truncated(self) -> "DeadLetter":
        if not self.original_truncated and len(self.original) != self.original_length:
            raise ValueError("original_length differs from the length of the whole original")
        if self.original_truncated and len(self.original) >= self.original_length:
            raise ValueError("a truncated original must be shorter than original_length")
        return self
