"""The real ingest step under BatchDelivery, against a Redis of the test's own that refuses:
full (OOM), a read-only replica (READONLY), paused writes (CLIENT PAUSE WRITE) and a busy
script (BUSY). Each is an outage: the batch raises (it would be rewound and read again) and
nothing reaches the real dead-letter topic; once Redis is mended, the same batch passes and
only its one invalid record is dead-lettered.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import contracts as c
import pytest
import redis.exceptions
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from ingest_service.dedupe import Deduplicator
from ingest_service.step import IngestStep
from mysessions_platform.failures import Failure, classify
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.retry import RetryPolicy
from mysessions_platform.testing.kafka_reading import read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.private_redis import PrivateRedis, private_redis
from mysessions_platform.testing.records import consumer_record
from redis.asyncio import Redis

pytestmark = pytest.mark.integration

T0 = datetime.now(UTC).replace(microsecond=0)
FAST = RetryPolicy(attempts=2, first_delay_s=0.01, max_delay_s=0.05)
SOURCE = "telephony.events.v1"


def started(n: int) -> bytes:
    return c.encode(
        c.SessionStarted(
            event_id=uuid4(),
            occurred_at=T0 + timedelta(seconds=n),
            tenant_id="tenant-a",
            session_id=f"s-{n}",
            direction="inbound",
            modality="voice",
            service_id="svc-1",
            service_name="Support",
            caller=c.Party(address="+15550001111", address_kind="pstn"),
        )
    )


def batch() -> list[ConsumerRecord[bytes, bytes]]:
    """Three valid events and one that can never be valid."""
    values = [started(1), started(2), b"\x00 not json", started(3)]
    return [
        consumer_record(value, offset=offset, topic=SOURCE) for offset, value in enumerate(values)
    ]


@dataclass
class Ingest:
    """The real step and delivery, writing to real Kafka topics, over a given Redis."""

    broker: KafkaBroker
    target: str
    dead: str
    bootstrap: str

    async def run(self, redis_client: Redis) -> None:
        publisher = BrokerPublisher(self.broker)
        step = IngestStep(Deduplicator(redis_client, 3600), publisher, self.target, "ms")
        delivery = BatchDelivery(
            consumer_group="ingest-outage-test",
            dead_letters=publisher,
            dead_letter_topic=self.dead,
            transient_retry=FAST,
            message_retry=FAST,
        )
        await delivery.run(batch(), step)

    async def refused(self, redis_client: Redis) -> BaseException:
        try:
            await self.run(redis_client)
        except Exception as error:  # any error escapes: the batch would be read again
            refusal = error
        else:
            raise AssertionError("the batch passed although Redis refuses")
        assert classify(refusal) is Failure.OUTAGE, refusal
        assert await read_records(self.bootstrap, self.dead, 1, timeout_s=2) == [], (
            "an outage is never dead-lettered"
        )
        assert await read_records(self.bootstrap, self.target, 1, timeout_s=1) == []
        return refusal

    async def passes(self, redis_client: Redis) -> None:
        await self.run(redis_client)
        assert len(await read_records(self.bootstrap, self.target, 3)) == 3
        letters = await read_records(self.bootstrap, self.dead, 2, timeout_s=2)
        assert [c.DeadLetter.model_validate_json(r.value or b"").offset for r in letters] == [2]


@pytest.fixture
async def ingest(servers: Endpoints, kafka_topics: KafkaTopics) -> AsyncIterator[Ingest]:
    target = await kafka_topics.create("sessions")
    dead = await kafka_topics.create("dlq")
    async with make_broker(servers.kafka_bootstrap_servers, client_id="test") as broker:
        yield Ingest(broker, target, dead, servers.kafka_bootstrap_servers)


@asynccontextmanager
async def client(server: PrivateRedis, socket_timeout: float | None = None) -> AsyncIterator[Redis]:
    redis_client = Redis.from_url(server.url, socket_timeout=socket_timeout)
    try:
        yield redis_client
    finally:
        await redis_client.aclose()


async def test_a_full_redis_rewinds_the_batch_and_dead_letters_nothing(ingest: Ingest) -> None:
    async with private_redis() as server, client(server) as redis_client:
        await server.admin.config_set("maxmemory-policy", "noeviction")
        await server.admin.set("ballast", b"x" * 2_000_000)
        await server.admin.config_set("maxmemory", 1_000_000)  # now below what is used

        error = await ingest.refused(redis_client)
        assert isinstance(error, redis.exceptions.OutOfMemoryError)

        await server.admin.config_set("maxmemory", 0)
        await ingest.passes(redis_client)


async def test_a_read_only_replica_rewinds_the_batch_until_it_is_promoted(
    ingest: Ingest,
) -> None:
    async with (
        private_redis() as primary,
        private_redis(["--replicaof", "127.0.0.1", str(primary.port)]) as replica,
        client(replica) as redis_client,
    ):
        error = await ingest.refused(redis_client)
        assert isinstance(error, redis.exceptions.ReadOnlyError)

        await replica.admin.replicaof("NO", "ONE")  # the failover
        await ingest.passes(redis_client)


async def test_paused_writes_time_out_and_rewind_the_batch(ingest: Ingest) -> None:
    async with private_redis() as server, client(server, socket_timeout=0.3) as redis_client:
        await server.admin.client_pause(30_000, all=False)  # CLIENT PAUSE 30000 WRITE

        error = await ingest.refused(redis_client)
        assert isinstance(error, redis.exceptions.TimeoutError)

        await server.admin.client_unpause()
        await ingest.passes(redis_client)


async def test_a_busy_script_rewinds_the_batch(ingest: Ingest) -> None:
    async with private_redis(["--busy-reply-threshold", "50"]) as server:

        async def loop_forever() -> object:
            return await server.admin.eval("while true do end", 0)

        looping = asyncio.create_task(loop_forever())
        await wait_for(lambda: _answers_busy(server), timeout_s=10, what="BUSY")
        async with client(server) as redis_client:
            error = await ingest.refused(redis_client)
            assert isinstance(error, redis.exceptions.ResponseError)

            async with client(server) as killer:
                await killer.script_kill()
            with suppress(redis.exceptions.ResponseError):  # "Script killed by user"
                await looping
            await ingest.passes(redis_client)


async def _answers_busy(server: PrivateRedis) -> bool:
    async with client(server) as probe:
        try:
            await probe.ping()
        except redis.exceptions.ResponseError as error:
            return str(error).startswith("BUSY")
    return False
