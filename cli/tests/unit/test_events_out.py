"""``mysessions publish`` refuses lines the raw topic would refuse, and counts them."""

from typing import Any, cast

import pytest
from aiokafka import AIOKafkaProducer
from contracts.limits import MAX_RAW_RECORD_BYTES
from mysessions.events_out import EventSender

pytestmark = pytest.mark.unit


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes | None]] = []

    async def send_and_wait(self, topic: str, value: bytes, key: bytes | None = None) -> Any:
        self.sent.append((topic, value, key))


async def test_a_line_above_the_raw_limit_is_counted_not_sent() -> None:
    producer = FakeProducer()
    sender = EventSender(cast(AIOKafkaProducer, producer), "raw")
    assert await sender.send_raw(b"k", b"x" * (MAX_RAW_RECORD_BYTES - 1))
    assert not await sender.send_raw(b"k", b"x" * MAX_RAW_RECORD_BYTES)
    assert not await sender.send_raw(None, b"x" * (MAX_RAW_RECORD_BYTES + 1))
    assert (sender.sent, sender.refused) == (1, 2)
    assert [len(value) for _, value, _ in producer.sent] == [MAX_RAW_RECORD_BYTES - 1]
