"""Sends contract events to a Kafka topic, keyed by session id, confirmed."""

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaProducer
from contracts import SessionEvent, encode


class EventSender:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._producer = producer
        self._topic = topic
        self.sent = 0

    async def send_raw(self, key: bytes | None, value: bytes) -> None:
        await self._producer.send_and_wait(self._topic, value, key=key)
        self.sent += 1

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
    )
    await producer.start()
    try:
        yield EventSender(producer, topic)
    finally:
        await producer.stop()
