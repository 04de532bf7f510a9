"""Dead letters: the envelope and where it goes.

An envelope always fits the dead-letter topic (``contracts.limits.MAX_DEAD_LETTER_BYTES``):
an original above ``MAX_EVENT_BYTES`` is cut to its first bytes, with its length and
SHA-256 kept so it can still be identified; an absurd key is cut too. A dead letter that
Kafka refused would be retried as an outage and stall the partition.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from aiokafka import ConsumerRecord
from contracts import DeadLetter, encode
from contracts.limits import DEAD_LETTER_MAX_KEY_BYTES, DEAD_LETTER_PREFIX_BYTES, MAX_EVENT_BYTES

MAX_ERROR_CHARS = 10_000
MAX_SHORT_TEXT_CHARS = 256


@dataclass(frozen=True)
class Rejection:
    """A record the worker gave up on, and why (the reason never quotes message values)."""

    record: ConsumerRecord[bytes, bytes]
    kind: Literal["invalid", "failed"]
    reason: str
    first_failure_at: datetime
    last_failure_at: datetime
    attempts: int


def envelope(rejection: Rejection, consumer_group: str) -> DeadLetter:
    record = rejection.record
    original = record.value or b""
    truncated = len(original) > MAX_EVENT_BYTES
    key = record.key
    key_truncated = key is not None and len(key) > DEAD_LETTER_MAX_KEY_BYTES
    return DeadLetter(
        source_topic=record.topic[:MAX_SHORT_TEXT_CHARS],
        partition=record.partition,
        offset=record.offset,
        key=key[:DEAD_LETTER_MAX_KEY_BYTES] if key is not None else None,
        key_truncated=key_truncated,
        original=original[:DEAD_LETTER_PREFIX_BYTES] if truncated else original,
        original_length=len(original),
        original_sha256=hashlib.sha256(original).hexdigest(),
        original_truncated=truncated,
        consumer_group=consumer_group[:MAX_SHORT_TEXT_CHARS],
        error_kind=rejection.kind,
        error=rejection.reason[:MAX_ERROR_CHARS],
        first_failure_at=rejection.first_failure_at,
        last_failure_at=rejection.last_failure_at,
        attempts=rejection.attempts,
    )


class Publisher(Protocol):
    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None: ...


async def dead_letter(
    publisher: Publisher, topic: str, rejections: list[Rejection], consumer_group: str
) -> None:
    if rejections:
        letters = [envelope(r, consumer_group) for r in rejections]
        # The envelope's key, cut like the one inside, so the record fits as well.
        await publisher.publish_all(topic, [(letter.key, encode(letter)) for letter in letters])
