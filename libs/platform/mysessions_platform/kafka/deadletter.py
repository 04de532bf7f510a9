"""Dead letters: the envelope and where it goes."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from aiokafka import ConsumerRecord
from contracts import DeadLetter, encode


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
    return DeadLetter(
        source_topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        original=record.value or b"",
        consumer_group=consumer_group,
        error_kind=rejection.kind,
        error=rejection.reason[:10_000],
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
        await publisher.publish_all(
            topic,
            [(r.record.key, encode(envelope(r, consumer_group))) for r in rejections],
        )
