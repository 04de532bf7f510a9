"""Recomputes the queue's Redis state from ``sessions.events.v1``, through the same step
the live worker runs, so the result equals the live state.

Stop the queue workers first when rebuilding their own prefix; or rebuild into another
prefix and compare the two (``mysessions rebuild --prefix other --compare``).
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from contracts.limits import CONSUMER_MAX_PARTITION_FETCH_BYTES
from mysessions_platform.kafka.topics import topic_partitions

from queue_service.adapters.store import TaskStore
from queue_service.step import QueueStep


@dataclass
class RebuildReport:
    records: int = 0
    invalid: int = 0
    deleted_keys: int = 0


async def read_topic(
    bootstrap_servers: str, topic: str, batch: int = 5000
) -> AsyncIterator[list[ConsumerRecord[bytes, bytes]]]:
    """Every record of the topic up to its end as of now, in batches, partition order kept."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=CONSUMER_MAX_PARTITION_FETCH_BYTES,
    )
    await consumer.start()
    try:
        partitions = await topic_partitions(bootstrap_servers, topic)
        if not partitions:
            return
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if end[tp] > 0}
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=batch)
            records = [record for part in fetched.values() for record in part]
            for tp in list(remaining):
                if await consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
            chosen = [r for r in records if r.offset < end[TopicPartition(r.topic, r.partition)]]
            if chosen:
                yield chosen
    finally:
        await consumer.stop()


async def rebuild(
    store: TaskStore, step: QueueStep, bootstrap_servers: str, topic: str
) -> RebuildReport:
    report = RebuildReport(deleted_keys=await store.clear())
    async for records in read_topic(bootstrap_servers, topic):
        report.records += len(records)
        report.invalid += len(await step(records))
    return report
