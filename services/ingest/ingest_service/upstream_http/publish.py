"""Publishing to the raw topic within a deadline; any failure is an outage (503)."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaProducer
from contracts import SessionEvent, encode
from contracts.limits import RAW_TOPIC_MAX_MESSAGE_BYTES

Publish = Callable[[Sequence[SessionEvent]], Awaitable[None]]


class PublishFailed(Exception):
    """Kafka did not confirm in time; the provider is answered 503 and retries."""


class KafkaPublisher:
    """The producer is built in ``start`` (the app's lifespan): aiokafka binds it to the
    running event loop, which does not exist yet when the app is built."""

    def __init__(self, bootstrap_servers: str, topic: str, timeout_s: float) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._topic = topic
        self._timeout_s = timeout_s
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            enable_idempotence=True,
            acks="all",
            max_request_size=RAW_TOPIC_MAX_MESSAGE_BYTES,
            request_timeout_ms=int(self._timeout_s * 1000),
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def __call__(self, events: Sequence[SessionEvent]) -> None:
        producer = self._producer
        if producer is None:
            raise PublishFailed("not started")

        async def send_all() -> None:
            pending = [
                await producer.send(self._topic, encode(e), key=e.session_id.encode())
                for e in events
            ]
            await asyncio.gather(*pending)

        try:
            await asyncio.wait_for(send_all(), self._timeout_s)
        except Exception as error:  # any Kafka failure or the deadline: the kind is kept
            raise PublishFailed(type(error).__name__) from error
