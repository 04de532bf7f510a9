"""Sending redriven letters: one idempotent producer with ``acks=all``, as the workers'."""

from collections.abc import Awaitable, Collection, Sequence
from types import TracebackType
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from contracts.limits import PRODUCER_MAX_REQUEST_BYTES

from mysessions.operations.dead_letters.redrive import Destination, Outgoing

__all__ = ["KafkaSender"]


class KafkaSender:
    """``async with KafkaSender(bootstrap) as sender``: started and stopped with the block."""

    def __init__(self, bootstrap_servers: str) -> None:
        self._bootstrap = bootstrap_servers
        # Idempotence keeps the order of messages in flight together within a partition.
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            max_request_size=PRODUCER_MAX_REQUEST_BYTES,
        )

    async def __aenter__(self) -> "KafkaSender":
        await self._producer.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._producer.stop()

    async def existing_topics(self, names: Collection[str]) -> set[str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap)
        await admin.start()
        try:
            return set(names) & set(await admin.list_topics())
        finally:
            await admin.close()

    async def send_all(self, messages: Sequence[Outgoing]) -> list[Destination | Exception]:
        pending: list[Awaitable[Any] | Exception] = []
        for message in messages:
            try:  # enqueued in order; confirmations awaited together below
                pending.append(
                    await self._producer.send(
                        message.topic,
                        message.value,
                        key=message.key,
                        headers=list(message.headers),
                    )
                )
            except Exception as error:
                pending.append(error)
        results: list[Destination | Exception] = []
        for item in pending:
            if isinstance(item, Exception):
                results.append(item)
                continue
            try:
                sent = await item
            except Exception as error:
                results.append(error)
            else:
                results.append(Destination(sent.topic, sent.partition, sent.offset))
        return results
