"""The one way workers build their Kafka broker and consume raw records."""

from collections.abc import Sequence
from typing import Any

from aiokafka import ConsumerRecord
from contracts.limits import PRODUCER_MAX_REQUEST_BYTES
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage


def bootstrap_list(bootstrap_servers: str) -> list[str]:
    """``host:port,host:port`` (what KAFKA_BOOTSTRAP_SERVERS holds for a cluster) as a list.

    aiokafka splits such a string itself, but FastStream hands a string on as a list of
    one, which aiokafka then takes for one host named ``a:9092,b``: no worker would start
    against a cluster."""
    return [server.strip() for server in bootstrap_servers.split(",") if server.strip()]


def make_broker(
    bootstrap_servers: str,
    client_id: str,
    graceful_timeout_s: float = 15.0,
    middlewares: Sequence[Any] = (),
) -> KafkaBroker:
    """``graceful_timeout_s``: on stop, how long the batches under way may take to finish
    and commit; ``middlewares``: FastStream's (Prometheus, in the worker shell)."""
    # Idempotence keeps per-partition order while many sends are in flight; acks=all
    # means a send is confirmed only once it is durable. The request size admits the
    # biggest record a worker writes (a dead letter): a refused send would stall a partition.
    return KafkaBroker(
        bootstrap_list(bootstrap_servers),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_request_size=PRODUCER_MAX_REQUEST_BYTES,
        logger=None,
        graceful_timeout=graceful_timeout_s,
        middlewares=middlewares,
    )


async def raw_records(message: StreamMessage[Any]) -> Sequence[ConsumerRecord[bytes, bytes]]:
    """A batch decoder that hands the handler the records untouched.

    FastStream would otherwise parse JSON before our code runs, and a body that is not JSON
    would fail there, where we could not dead-letter it with its original bytes.
    """
    raw = message.raw_message
    return tuple(raw) if isinstance(raw, tuple) else (raw,)
