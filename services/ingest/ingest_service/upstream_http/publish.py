"""Publishing to the raw topic within a deadline; any failure is an outage (503).

The edge starts whether Kafka is there or not: the producer connects in the background,
retrying with backoff, and until it has, every publish fails fast (503, the provider
retries). An edge that refused to start while Kafka was away would answer nothing at all,
and the providers' retries would run out against a closed port instead.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaProducer
from contracts import SessionEvent, encode
from contracts.limits import RAW_TOPIC_MAX_MESSAGE_BYTES

log = logging.getLogger(__name__)

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
        self._connecting: asyncio.Task[None] | None = None

    def _new_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            enable_idempotence=True,
            acks="all",
            max_request_size=RAW_TOPIC_MAX_MESSAGE_BYTES,
            request_timeout_ms=int(self._timeout_s * 1000),
        )

    async def _connect(self) -> None:
        delay = 0.5
        while True:
            producer = self._new_producer()
            try:
                await producer.start()
            except Exception as error:  # any connection failure: retried, its kind logged
                await producer.stop()
                log.warning(
                    "kafka unreachable; retrying",
                    extra={"error": type(error).__name__, "retry_in_s": delay},
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            self._producer = producer
            return

    @property
    def connected(self) -> bool:
        """True once the producer has started; ``/readyz`` answers 503 until then, so a load
        balancer sends the providers' callbacks to an edge that can publish them."""
        return self._producer is not None

    async def start(self) -> None:
        self._connecting = asyncio.create_task(self._connect())

    async def stop(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connecting
        if self._producer is not None:
            await self._producer.stop()

    async def __call__(self, events: Sequence[SessionEvent]) -> None:
        producer = self._producer
        if producer is None:
            raise PublishFailed("not connected")

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
