"""A broker of the local three-broker cluster SIGKILLed mid-stream and restarted: the
pipeline (ingest, queue and reporting as processes) rides through it, and every agent's view
and every reporting record equal those of a run on a Kafka nobody touched (the single
broker, its workers in the test's process).

What makes it so: topics of three copies, two of which hold every write before it is
confirmed (``min.insync.replicas`` 2 with ``acks=all``), so writes go on while one broker is
away and the new leaders have everything the dead one confirmed (with three in sync
required, the sends during the outage are refused and the test fails); idempotent producers,
so a send retried through the failover is written once and in order; and workers that ride
a lost connection through: the Kafka client waits for the new leaders and fetches from them,
and what does reach a worker (the reporting sweep's ``NodeNotReadyError`` in some runs) is an
outage, retried. Losing a write confirmed by the leader alone (``acks=1``) takes a kill in
the few milliseconds before the followers fetch it, which one kill rarely hits: the unit
test ``test_producers_confirm_writes`` keeps every producer on ``acks=all``.

About 45 s, plus the cluster's start and stop (about 7 s each) when the session starts it.
"""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from contracts import SessionEvent, SessionRecord, topics
from faststream import TestApp
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.topics import (
    Replication,
    TopicSettings,
    check_topics,
    ensure_topics,
)
from mysessions_platform.mongo import Document, connect
from mysessions_platform.testing.kafka_cluster import (
    LocalKafkaCluster,
    PartitionState,
    local_kafka_cluster,
)
from mysessions_platform.testing.kafka_reading import read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.kafka_topics import kafka_topics as topics_on
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess
from pymongo import AsyncMongoClient
from redis.asyncio import Redis

from .worker_run import WorkerRun, new_run, records, reporting_done

# One xdist worker runs this module: its module fixture starts and stops the one local
# three-broker cluster (fixed ports); two workers would stop it under each other.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.xdist_group("kafka-cluster")]


@pytest.fixture(scope="module")
async def kafka_cluster() -> AsyncIterator[LocalKafkaCluster]:
    """Started if it is not running (and then stopped after this module, not at the end of
    the session: idle, it took CPU from the other tests); fails if it cannot be."""
    async with local_kafka_cluster() as cluster:
        yield cluster


@pytest.fixture
async def cluster_topics(kafka_cluster: LocalKafkaCluster) -> AsyncIterator[KafkaTopics]:
    async with topics_on(kafka_cluster.bootstrap_servers) as names:
        yield names


async def _settled(runs: Sequence[WorkerRun], workers: Sequence[WorkerProcess]) -> bool:
    """Every group at the end of its topics, every record written and published; fails at
    once when a worker exited (none may: an outage is ridden through, not restarted from)."""
    for worker in workers:
        if worker.process is not None and worker.process.returncode is not None:
            tail = worker.log_file.read_text()[-2000:]
            raise AssertionError(
                f"{worker.log_file.name}: exit {worker.process.returncode}\n{tail}"
            )
    client = connect(runs[0].mongodb_url)
    try:
        for run in runs:
            if not await run.caught_up() or not await reporting_done(client[run.database]):
                return False
        return True
    finally:
        await client.close()


SENDING_S = 150.0
"""How long sending the events may take, through the kill and the restart (about 40 s on a
busy machine): a cluster that refuses writes while a broker is away (too few copies left in
sync) fails the test instead of hanging it, in the sends or in the producer's stop, which
waits for every pending write."""


@dataclass(frozen=True)
class Outage:
    victim: int
    before: list[PartitionState]
    during: list[PartitionState]
    """The run's partitions once the controller fenced the victim."""


async def _kill_mid_stream(
    cluster: LocalKafkaCluster, run: WorkerRun, events: list[SessionEvent], redis: Redis
) -> Outage:
    """A third of the events, then SIGKILL to the broker leading most of the run's
    partitions once its first tasks are stored; a third sent while it is dead, then it is
    restarted (also when the test fails, for the session's next test) and the last third
    sent. Returns once every copy is in sync again."""
    names, third = list(run.topics.values()), len(events) // 3
    before = await cluster.partitions(names)
    victim = await cluster.busiest_leader(names)
    raw = run.topics[topics.TELEPHONY_EVENTS]
    try:
        async with asyncio.timeout(SENDING_S), event_sender(run.bootstrap_servers, raw) as sender:
            await sender.send_all(events[:third])

            async def flowing() -> bool:
                return len(await run.store(redis).snapshot()) > 0

            await wait_for(flowing, timeout_s=60, what="the first tasks of the run")
            cluster.kill(victim)
            try:
                # Confirmed once the dead broker's partitions have new leaders (acks=all:
                # by the two copies left in sync).
                await sender.send_all(events[third : 2 * third])
                during = await cluster.failed_over(victim, names)
            finally:
                await cluster.restart(victim)
            await sender.send_all(events[2 * third :])
    except TimeoutError:
        raise AssertionError(
            f"the events were not all confirmed within {SENDING_S:.0f} s"
        ) from None

    async def all_in_sync() -> bool:
        return all(len(p.in_sync) == 3 for p in await cluster.partitions(names))

    await wait_for(all_in_sync, timeout_s=60, what="the restarted broker to catch up")
    return Outage(victim, before, during)


@dataclass(frozen=True)
class Outcome:
    views: dict[str, dict[str, str]]
    records: dict[str, dict[str, Any]]
    published: set[str]
    dead_letters: int


async def _outcome(run: WorkerRun, redis: Redis, client: AsyncMongoClient[Document]) -> Outcome:
    """Every agent's stored tasks, every reporting record, the records' ids on the records
    topic, the dead letters."""
    written = await records(client[run.database])
    published = await read_records(
        run.bootstrap_servers, run.topics[topics.REPORTING_SESSIONS], len(written)
    )
    dead = await read_records(run.bootstrap_servers, run.topics[topics.DEAD_LETTERS], 1, 2)
    return Outcome(
        views=await run.store(redis).snapshot(),
        records=written,
        published={SessionRecord.model_validate_json(r.value).record_id for r in published},
        dead_letters=len(dead),
    )


async def test_a_broker_killed_mid_stream_and_restarted_changes_no_view_and_no_record(
    servers: Endpoints,
    kafka_cluster: LocalKafkaCluster,
    cluster_topics: KafkaTopics,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    tmp_path: Path,
) -> None:
    config = make_config(tenants=2, services=3, agents=20, rate=15, duration=60, seed=41, fast=True)
    config = replace(config, start=config.start - timedelta(days=3))  # every window closed
    events = list(simulate(config))
    killed, steady = (
        new_run(
            name,
            bootstrap,
            servers,
            names,
            redis_keys.key(name),
            mongo_databases.create(name).name,
        )
        for name, bootstrap, names in (
            ("killed", kafka_cluster.bootstrap_servers, cluster_topics),
            ("steady", servers.kafka_bootstrap_servers, kafka_topics),
        )
    )
    for run in (killed, steady):
        assert await ensure_topics(run.bootstrap_servers, run.specs()) == []
    # The specs left replication to the cluster: three copies, two in sync, every partition
    # (once every broker has replayed the creation: the one asked may lag a moment).
    for _ in range(20):
        if (drift := await check_topics(kafka_cluster.bootstrap_servers, killed.specs())) == []:
            break
        await asyncio.sleep(0.5)
    assert drift == []
    assert {spec.on_cluster(3).replication for spec in killed.specs()} == {Replication(3, 2)}

    workers = killed.workers(tmp_path)
    redis = Redis.from_url(servers.redis_url)
    client: AsyncMongoClient[Document] = connect(servers.mongodb_url)
    try:
        for worker in workers:
            await worker.start()
        async with AsyncExitStack() as in_process:
            for app in steady.apps():
                await in_process.enter_async_context(TestApp(app))
            async with event_sender(
                steady.bootstrap_servers, steady.topics[topics.TELEPHONY_EVENTS]
            ) as sender:
                await sender.send_all(events)
            await killed.ready()  # a start-up cut by the kill exits 1, for its supervisor
            outage = await _kill_mid_stream(kafka_cluster, killed, events, redis)
            await wait_for(
                lambda: _settled((killed, steady), workers), timeout_s=120, what="both runs"
            )
        after_kill, uninterrupted = [await _outcome(run, redis, client) for run in (killed, steady)]
    finally:
        for worker in workers:
            await worker.stop()
        await redis.aclose()
        await client.close()

    # The kill mattered: the victim led partitions of the run; while it was dead they were
    # led by the two others (``failed_over``) and written to both.
    assert len(outage.before) == 18
    assert all(len(p.replicas) == len(p.in_sync) == 3 for p in outage.before)
    assert sum(p.leader == outage.victim for p in outage.before) >= 1
    assert all(len(p.in_sync) == 2 for p in outage.during), outage.during
    assert after_kill == uninterrupted
    assert uninterrupted.dead_letters == 0
    assert len(uninterrupted.views) >= 40, "agents of both tenants have tasks"
    assert len(uninterrupted.records) > 100
    assert uninterrupted.published == set(uninterrupted.records)


async def test_on_the_cluster_an_older_single_copy_topic_is_reported_and_kept_writable(
    kafka_cluster: LocalKafkaCluster, cluster_topics: KafkaTopics
) -> None:
    """Existing topics keep their replication; ``topics check --apply`` sets the spec's
    configs but never more copies in sync than the topic has (every acks=all write to it
    would be refused)."""
    bootstrap = kafka_cluster.bootstrap_servers
    old = await cluster_topics.create("one-copy")  # one copy, as made before the cluster
    spec = TopicSettings.from_env({}).spec(topics.SESSION_EVENTS, 1, old)

    async def known_to_the_checker() -> bool:
        # One broker listed it; the one the checker asks may learn of it a moment later
        # (seen: "missing" right after the creation).
        return f"{old}: missing" not in await check_topics(bootstrap, [spec])

    await wait_for(known_to_the_checker, timeout_s=30, what="every broker to list the topic")
    drift = await check_topics(bootstrap, [spec], apply=True)

    assert f"{old}: replication factor 1, spec 3" in drift
    assert await _min_insync(bootstrap, old) == "1"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        async with asyncio.timeout(30):  # refused (NotEnoughReplicas) were it 2
            await producer.send_and_wait(old, b"still writable")
    finally:
        await producer.stop()
    assert await check_topics(bootstrap, [spec]) == [
        f"{old}: replication factor 1, spec 3",
        f"{old}: min.insync.replicas 1, spec 2",
    ]


async def _min_insync(bootstrap: str, topic: str) -> str:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    [resource] = response.resources
    return str({entry[0]: entry[1] for entry in resource[4]}["min.insync.replicas"])
