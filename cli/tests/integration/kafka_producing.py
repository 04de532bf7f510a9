"""A producer for the tests: send records, and the ``Publisher`` dead letters go through."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaProducer
from contracts.limits import PRODUCER_MAX_REQUEST_BYTES


class Producer:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        for key, value in messages:
            await self.producer.send_and_wait(topic, value, key=key)

    async def send(
        self, topic: str, value: bytes, key: bytes | None = None, partition: int | None = None
    ) -> None:
        await self.producer.send_and_wait(topic, value, key=key, partition=partition)


@asynccontextmanager
async def producing(bootstrap_servers: str) -> AsyncIterator[Producer]:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        max_request_size=PRODUCER_MAX_REQUEST_BYTES,
    )
    await producer.start()
    try:
        yield Producer(producer)
    finally:
        await producer.stop()
