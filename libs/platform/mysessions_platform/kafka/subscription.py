"""The one way a worker subscribes: batches, its own group, at-least-once."""

from collections.abc import Sequence
from typing import Any

from aiokafka import ConsumerRebalanceListener
from contracts.limits import CONSUMER_MAX_PARTITION_FETCH_BYTES
from faststream import AckPolicy
from faststream.kafka import KafkaBroker

from mysessions_platform.kafka.batches import BatchDelivery, BatchStep
from mysessions_platform.kafka.broker import raw_records


def subscribe_batches(
    broker: KafkaBroker,
    topic: str,
    delivery: BatchDelivery,
    step: BatchStep,
    max_batch: int,
    also: Sequence[str] = (),
    listener: ConsumerRebalanceListener | None = None,
    documented_as: Any = Any,
    description: str | None = None,
) -> None:
    """Feeds the topic (and the topics ``also`` names: one subscription, one group; a batch
    may mix them, ``record.topic`` tells) to ``step`` in batches under ``delivery``'s
    consumer group.

    NACK_ON_ERROR: offsets are committed only after a batch's effects are done (every
    record processed or dead-lettered); an error that escapes (a server down) rewinds to
    the batch's first record, which is read again. ``earliest``: a new group starts at the
    beginning of the topic, so nothing published before it joined is missed. The fetch
    size admits the biggest record any topic takes, so a record at its topic's limit is
    read, never stuck. ``listener`` hears of the group's assignments (readiness).
    ``documented_as`` and ``description``: what the AsyncAPI document says the records are
    (``kafka.documented``); nothing validates the records against it here.
    """

    async def handle_batch(records: Any) -> None:
        await delivery.run(list(records), step)

    # FastStream documents a subscriber by its handler's parameter; ``documented_as`` is
    # under SkipValidation, so the records still reach the step untouched.
    handle_batch.__annotations__["records"] = documented_as
    broker.subscriber(
        topic,
        *also,
        group_id=delivery.consumer_group,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=max_batch,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=CONSUMER_MAX_PARTITION_FETCH_BYTES,
        decoder=raw_records,
        listener=listener,
        description=description,
    )(handle_batch)
