"""On real Kafka: a batch whose step fails because a server is away is not committed but
read again, so nothing is skipped, and later batches never commit past it (the trap of
FastStream issue #2618)."""

from collections import Counter
from collections.abc import Sequence

import pytest
import redis.exceptions
from aiokafka import AIOKafkaProducer, ConsumerRecord
from faststream import FastStream, TestApp
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.deadletter import Rejection
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.retry import RetryPolicy
from mysessions_platform.kafka.subscription import subscribe_batches
from mysessions_platform.testing.kafka_reading import group_caught_up, read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics

pytestmark = pytest.mark.integration


class FlakyStep:
    """Processes records, but the server it needs is away for the first few calls."""

    def __init__(self, outages: int) -> None:
        self.outages = outages
        self.seen: Counter[bytes] = Counter()
        self.done: list[bytes] = []

    async def __call__(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Rejection]:
        for record in records:
            self.seen[record.value] += 1
        if self.outages > 0:
            self.outages -= 1
            raise redis.exceptions.ConnectionError("redis is away")
        self.done.extend(record.value for record in records)
        return []


async def test_a_failed_batch_is_read_again_and_nothing_is_skipped(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    topic = await kafka_topics.create("flaky")
    dead = await kafka_topics.create("dlq")
    group = kafka_topics.name("group")  # never created as a topic; names the group uniquely
    values = [f"m-{n:03}".encode() for n in range(40)]
    producer = AIOKafkaProducer(bootstrap_servers=servers.kafka_bootstrap_servers)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=b"same-partition")
    finally:
        await producer.stop()

    broker = make_broker(servers.kafka_bootstrap_servers, client_id="test")
    # One attempt per delivery, so each outage reaches Kafka as an unacknowledged batch.
    delivery = BatchDelivery(
        consumer_group=group,
        dead_letters=BrokerPublisher(broker),
        dead_letter_topic=dead,
        transient_retry=RetryPolicy(attempts=1),
    )
    step = FlakyStep(outages=3)
    subscribe_batches(broker, topic, delivery, step, max_batch=7)
    async with TestApp(FastStream(broker, logger=None)):
        await wait_for(
            lambda: group_caught_up(servers.kafka_bootstrap_servers, group, topic),
            what="the group to commit the whole topic",
        )

    assert step.outages == 0
    assert step.done == values, "every message processed once, in order"
    assert max(step.seen.values()) >= 2, "the failed batch was delivered again"
    assert await read_records(servers.kafka_bootstrap_servers, dead, 1, timeout_s=2) == []
