"""Reading what workers wrote, and waiting for them, in integration tests."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient
from contracts.limits import CONSUMER_MAX_PARTITION_FETCH_BYTES

from mysessions_platform.kafka.topics import topic_partitions

__all__ = ["group_caught_up", "group_members", "read_everything", "read_records", "wait_for"]


async def read_records(
    bootstrap_servers: str, topic: str, count: int, timeout_s: float = 30.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """The topic's first ``count`` records (fewer if the timeout passes), from the start."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=CONSUMER_MAX_PARTITION_FETCH_BYTES,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(records) < count and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for part in batch.values():
                records.extend(part)
    finally:
        await consumer.stop()
    return records


async def read_everything(
    bootstrap_servers: str, topic: str, timeout_s: float = 30.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record the topic holds now (up to its end offsets when called): no waiting out
    a timeout when how many there are is not known in advance. Counts offsets, so not for
    a compacted topic (nor a transactional one: its markers take offsets too)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(await topic_partitions(bootstrap_servers, topic))
    finally:
        await consumer.stop()
    return await read_records(bootstrap_servers, topic, sum(ends.values()), timeout_s)


async def group_caught_up(bootstrap_servers: str, group_id: str, topic: str) -> bool:
    """True when the group has committed every partition of the topic up to its end."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        partitions = await topic_partitions(bootstrap_servers, topic)
        if not partitions:
            raise LookupError(f"topic {topic} does not exist")
        ends = await consumer.end_offsets(partitions)
        committed = await admin.list_consumer_group_offsets(group_id, partitions=partitions)
        return all(
            (committed.get(tp) is not None and committed[tp].offset >= ends[tp]) or ends[tp] == 0
            for tp in partitions
        )
    finally:
        await consumer.stop()
        await admin.close()


async def wait_for(
    condition: Callable[[], Awaitable[bool]], timeout_s: float = 60.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout_s
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout_s:.0f}s for {what}")
        await asyncio.sleep(0.2)


async def group_members(bootstrap_servers: str, group_id: str) -> int:
    """How many consumers the group has right now."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group_id])
        return sum(len(group[5]) for group in response.groups)  # (…, members)
    finally:
        await admin.close()
