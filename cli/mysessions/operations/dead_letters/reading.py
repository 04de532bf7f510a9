"""Reading the dead-letter topic from its start (or an instant) up to its end as of now.

No consumer group: the partitions are assigned by hand and nothing is committed, so
listing or redriving letters never moves any group's offsets, and two operators may read
at once. The end is taken once, before reading: letters written meanwhile wait for the
next run, so a run always finishes.
"""

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from datetime import datetime
from typing import Final

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from contracts.limits import CONSUMER_MAX_PARTITION_FETCH_BYTES

from mysessions.operations.dead_letters.stored import StoredLetter, stored_letter
from mysessions.operations.topic_layout import existing_partitions

__all__ = ["Progress", "read_letters"]

Progress = Callable[[int, int], None]
"""``(records read, records to read)``, called as reading goes."""

STALL_S: Final = 30.0
"""Reading that moves no offset for this long while records remain: the broker is away."""


async def read_letters(
    bootstrap_servers: str,
    topic: str,
    *,
    since: datetime | None = None,
    progress: Progress = lambda done, total: None,
) -> AsyncGenerator[StoredLetter, None]:
    """Every record of ``topic`` (from the first written at or after ``since``), in
    partition order. Unknown topic: nothing (and it is not created)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        partitions, _ = await existing_partitions(admin, [topic])
    finally:
        await admin.close()
    if not partitions:
        return
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=CONSUMER_MAX_PARTITION_FETCH_BYTES,
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        starts = await _starts(consumer, partitions, since)
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            consumer.seek(tp, starts[tp])
        total = sum(max(ends[tp] - starts[tp], 0) for tp in partitions)
        progress(0, total)
        remaining = {tp for tp in partitions if starts[tp] < ends[tp]}
        done, moved_at = 0, time.monotonic()
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in sorted(fetched.items()):
                for record in records:
                    if record.offset < ends[tp]:
                        yield stored_letter(
                            topic, tp.partition, record.offset, record.timestamp, record.value
                        )
            positions = {tp: min(await consumer.position(tp), ends[tp]) for tp in partitions}
            remaining = {tp for tp in remaining if positions[tp] < ends[tp]}
            now_done = sum(positions[tp] - starts[tp] for tp in partitions)
            if now_done > done:
                done, moved_at = now_done, time.monotonic()
                progress(done, total)
            elif time.monotonic() - moved_at > STALL_S:
                raise TimeoutError(f"reading {topic}: no progress for {STALL_S:.0f} s")
    finally:
        await consumer.stop()


async def _starts(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition], since: datetime | None
) -> dict[TopicPartition, int]:
    """The first offset to read per partition. With ``since``: the first record written at
    or after it (a letter is written after its last failure, so no letter that failed at or
    after ``since`` is skipped); a partition with none starts at its end."""
    beginnings: dict[TopicPartition, int] = await consumer.beginning_offsets(partitions)
    if since is None:
        return beginnings
    ends = await consumer.end_offsets(partitions)
    found = await consumer.offsets_for_times(
        {tp: int(since.timestamp() * 1000) for tp in partitions}
    )
    return {
        tp: max(found[tp].offset, beginnings[tp]) if found.get(tp) is not None else ends[tp]
        for tp in partitions
    }


async def read_letter(
    bootstrap_servers: str, topic: str, partition: int, offset: int
) -> StoredLetter | None:
    """The record at ``offset`` of ``partition``, or None where there is none (never
    written, or gone with the topic's retention)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        partitions, _ = await existing_partitions(admin, [topic])
    finally:
        await admin.close()
    tp = TopicPartition(topic, partition)
    if tp not in partitions:
        return None
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=CONSUMER_MAX_PARTITION_FETCH_BYTES,
    )
    await consumer.start()
    try:
        consumer.assign([tp])
        first = (await consumer.beginning_offsets([tp]))[tp]
        end = (await consumer.end_offsets([tp]))[tp]
        if not first <= offset < end:
            return None
        consumer.seek(tp, offset)
        record = await asyncio.wait_for(consumer.getone(tp), timeout=STALL_S)
        return stored_letter(topic, partition, record.offset, record.timestamp, record.value)
    finally:
        await consumer.stop()
