"""Sends contract events to a Kafka topic, keyed by session id, confirmed.

A raw line above ``MAX_RAW_RECORD_BYTES`` (what the raw topic accepts) is refused and
counted, not sent: the producer would fail on it and stop the whole publish. Lines between
``MAX_EVENT_BYTES`` and that are sent, so ingest dead-letters them with a clear reason.
"""

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaProducer
from contracts import SessionEvent, encode
from contracts.limits import MAX_RAW_RECORD_BYTES, RAW_TOPIC_MAX_MESSAGE_BYTES


class EventSender:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._producer = producer
        self._topic = topic
        self.sent = 0
        self.refused = 0
        """Lines above MAX_RAW_RECORD_BYTES (key and value together), not sent."""

    async def send_raw(self, key: bytes | None, value: bytes) -> bool:
        """Sends one raw record; False (and counted) when it is above the raw limit."""
        if len(key or b"") + len(value) > MAX_RAW_RECORD_BYTES:
            self.refused += 1
            return False
        await self._producer.send_and_wait(self._topic, value, key=key)
        self.sent += 1
        return True

    async def send_all(self, events: Iterable[SessionEvent]) -> None:
        # Idempotent producer: many in flight, order per partition kept.
        pending = [
            await self._producer.send(self._topic, encode(e), key=e.session_id.encode())
            for e in events
        ]
        await asyncio.gather(*pending)
        self.sent += len(pending)


@asynccontextmanager
async def event_sender(bootstrap_servers: str, topic: str) -> AsyncIterator[EventSender]:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_request_size=RAW_TOPIC_MAX_MESSAGE_BYTES,
    )
    await producer.start()
    try:
        yield EventSender(producer, topic)
    finally:
        await producer.stop()
