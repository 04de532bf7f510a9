"""What the pipeline is judged against, on the same backlog in the same run:

- (a) ``drain``: a bare aiokafka consumer reading the raw topic from its start, doing
  nothing with a record: what the broker and the client library can deliver here;
- (b) ``validated``: the same, each record's JSON parsed and validated against the
  contract (the one ``TypeAdapter`` the workers use): the least any worker must do;
- (c) ``naive``: what a first FastStream worker would look like: one message at a time,
  the contract validated by FastStream from the handler's type, two Redis calls per event
  (claim the event id, write the session's state), an offset commit per message.

Each runs in this process, alone: its CPU time is this process's."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from contracts import SessionEvent
from contracts.codec import SESSION_EVENT_ADAPTER
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from mysessions_platform.kafka.broker import bootstrap_list

from mysessions.bench.stage import Stage

GIVE_UP_S = 1800.0


@dataclass(frozen=True)
class Timed:
    events: int
    wall_s: float
    cpu_s: float

    @property
    def per_s(self) -> float:
        return self.events / self.wall_s if self.wall_s else 0.0

    @property
    def per_cpu_s(self) -> float:
        return self.events / self.cpu_s if self.cpu_s else 0.0


async def _drain(stage: Stage, total: int, each: Callable[[bytes], object]) -> Timed:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=stage.servers.kafka_bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    await consumer.start()
    try:
        topic = stage.topics["raw"]
        partitions = [TopicPartition(topic, p) for p in range(stage.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        seen = 0
        wall, cpu = time.perf_counter(), time.process_time()
        while seen < total:
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            for records in batches.values():
                for record in records:
                    each(record.value or b"")
                seen += len(records)
        return Timed(seen, time.perf_counter() - wall, time.process_time() - cpu)
    finally:
        await consumer.stop()


async def drain(stage: Stage, total: int) -> Timed:
    return await _drain(stage, total, lambda value: None)


async def validated(stage: Stage, total: int) -> Timed:
    return await _drain(stage, total, SESSION_EVENT_ADAPTER.validate_json)


async def naive(stage: Stage, total: int) -> Timed:
    redis = stage.servers.redis_client()
    # It only consumes; the product's producer settings are given all the same, so the
    # check that every producer waits for every copy holds here too.
    broker = KafkaBroker(
        bootstrap_list(stage.servers.kafka_bootstrap_servers),
        logger=None,
        acks="all",
        enable_idempotence=True,
    )
    done = asyncio.Event()
    seen = 0
    prefix = f"{stage.key_prefix}:naive"

    @broker.subscriber(
        stage.topics["raw"],
        group_id=stage.group("naive"),
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.ACK,
    )
    async def handle(event: SessionEvent) -> None:
        nonlocal seen
        if await redis.set(f"{prefix}:seen:{event.event_id}", 1, nx=True, ex=3600):
            await redis.hset(f"{prefix}:session:{event.session_id}", "last", event.type)
        seen += 1
        if seen >= total:
            done.set()

    wall, cpu = time.perf_counter(), time.process_time()
    await broker.start()
    try:
        await asyncio.wait_for(done.wait(), GIVE_UP_S)
        return Timed(seen, time.perf_counter() - wall, time.process_time() - cpu)
    finally:
        await broker.stop()
        await redis.aclose()
