"""The one way workers build their Kafka broker and consume raw records."""

from collections.abc import Sequence
from typing import Any

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage


def make_broker(bootstrap_servers: str, client_id: str) -> KafkaBroker:
    # Idempotence keeps per-partition order while many sends are in flight; acks=all
    # means a send is confirmed only once it is durable.
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        logger=None,
    )


async def raw_records(message: StreamMessage[Any]) -> Sequence[ConsumerRecord[bytes, bytes]]:
    """A batch decoder that hands the handler the records untouched.

    FastStream would otherwise parse JSON before our code runs, and a body that is not JSON
    would fail there, where we could not dead-letter it with its original bytes.
    """
    raw = message.raw_message
    return tuple(raw) if isinstance(raw, tuple) else (raw,)
