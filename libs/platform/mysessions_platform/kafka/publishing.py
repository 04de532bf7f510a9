"""Publishing many messages at once, confirmed, in order per partition."""

import asyncio

from faststream.kafka import KafkaBroker


class BrokerPublisher:
    """Sends a list of (key, value) pairs and waits until Kafka has them all.

    The broker's producer is idempotent with ``acks=all`` (see ``make_broker``), so sending
    without waiting between messages still keeps their order within a partition.
    """

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        pending = [
            await self._broker.publish(value, topic, key=key, no_confirm=True)
            for key, value in messages
        ]
        if pending:
            await asyncio.gather(*pending)
