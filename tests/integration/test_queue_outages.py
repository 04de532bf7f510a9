"""The real queue step under BatchDelivery against a Redis of the test's own that is full
(OOM) and then a read-only replica (READONLY): the batch raises, so it would be read again,
and the real dead-letter topic stays empty; once Redis takes writes, the same batch builds
the agents' tasks."""

from itertools import islice

import pytest
import redis.exceptions
from aiokafka import ConsumerRecord
from contracts import encode
from mysessions.simulation import SimulationConfig, simulate
from mysessions_platform.failures import Failure, classify
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.retry import RetryPolicy
from mysessions_platform.testing.kafka_reading import read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.private_redis import private_redis
from mysessions_platform.testing.records import consumer_record
from queue_service.entrypoints.app import make_store
from queue_service.settings import QueueSettings
from queue_service.step import QueueStep
from redis.asyncio import Redis

pytestmark = pytest.mark.integration

FAST = RetryPolicy(attempts=2, first_delay_s=0.01, max_delay_s=0.05)


def batch() -> list[ConsumerRecord[bytes, bytes]]:
    events = islice(simulate(SimulationConfig(agents_per_tenant=3, rate=5, seed=11)), 60)
    return [
        consumer_record(
            encode(event),
            offset=offset,
            topic="sessions.events.v1",
            key=event.session_id.encode(),
        )
        for offset, event in enumerate(events)
    ]


async def test_a_full_then_read_only_redis_never_dead_letters_the_queues_events(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    dead = await kafka_topics.create("dlq")
    records = batch()
    async with (
        make_broker(servers.kafka_bootstrap_servers, client_id="test") as broker,
        private_redis() as primary,
        private_redis(["--replicaof", "127.0.0.1", str(primary.port)]) as replica,
    ):
        delivery = BatchDelivery(
            consumer_group="queue-outage-test",
            dead_letters=BrokerPublisher(broker),
            dead_letter_topic=dead,
            transient_retry=FAST,
            message_retry=FAST,
        )
        await primary.admin.config_set("maxmemory-policy", "noeviction")
        await primary.admin.set("ballast", b"x" * 2_000_000)
        await primary.admin.config_set("maxmemory", 1_000_000)

        for server, refusal in (
            (primary, redis.exceptions.OutOfMemoryError),
            (replica, redis.exceptions.ReadOnlyError),
        ):
            client = Redis.from_url(server.url)
            try:
                step = QueueStep(make_store(client, QueueSettings()))
                with pytest.raises(refusal) as caught:
                    await delivery.run(records, step)
                assert classify(caught.value) is Failure.OUTAGE
            finally:
                await client.aclose()
        assert await read_records(servers.kafka_bootstrap_servers, dead, 1, timeout_s=2) == []

        await primary.admin.config_set("maxmemory", 0)
        client = Redis.from_url(primary.url)
        try:
            store = make_store(client, QueueSettings())
            await delivery.run(records, QueueStep(store))
            assert await store.snapshot(), "the agents' tasks are written"
        finally:
            await client.aclose()
    assert await read_records(servers.kafka_bootstrap_servers, dead, 1, timeout_s=2) == []
