"""Publishing many messages at once, confirmed, in order per partition."""

import asyncio
import time
from typing import Protocol

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from faststream.message import gen_cor_id

__all__ = ["BrokerPublisher", "PublishFigures"]


class PublishFigures(Protocol):
    """What a publisher tells the worker's figures after each call (``worker.metrics``)."""

    def published(
        self, topic: str, count: int, seconds: float, error: Exception | None
    ) -> None: ...


class NoFigures:
    def published(self, topic: str, count: int, seconds: float, error: Exception | None) -> None:
        pass


class BrokerPublisher:
    """Sends a list of (key, value) pairs and waits until Kafka has them all.

    The broker's producer is idempotent with ``acks=all`` (see ``make_broker``), so sending
    without waiting between messages still keeps their order within a partition.

    The records go straight to the broker's aiokafka producer, the one ``broker.publish``
    ends in: FastStream's per-message path (a command object, its publish middlewares, a
    codec) cost more CPU than the rest of ingest together. The records are the same (the
    content type FastStream writes for bytes, a correlation id each), the sends are the
    same calls with the same errors, and the figures its Prometheus middleware kept are
    counted per call through ``figures``."""

    def __init__(self, broker: KafkaBroker, figures: PublishFigures | None = None) -> None:
        self._broker = broker
        self._figures = figures or NoFigures()

    def _producer(self) -> AIOKafkaProducer:
        # FastStream keeps the started producer in its producer state; reading it through
        # its attributes raises FastStream's own error when the broker is not connected.
        state = self._broker.config.producer._producer  # type: ignore[attr-defined]
        producer: AIOKafkaProducer = state.producer
        return producer

    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        if not messages:
            return
        began = time.perf_counter()
        error: Exception | None = None
        try:
            producer = self._producer()
            pending = [
                await producer.send(
                    topic,
                    value=value,
                    key=key,
                    headers=[("content-type", b""), ("correlation_id", gen_cor_id().encode())],
                )
                for key, value in messages
            ]
            await asyncio.gather(*pending)
        except Exception as failure:
            error = failure
            raise
        finally:
            self._figures.published(topic, len(messages), time.perf_counter() - began, error)
