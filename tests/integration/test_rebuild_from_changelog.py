"""History survives the loss of Redis and of the raw events: the changelog restores it,
and a rebuild that could not restore something refuses to delete it."""

from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete
from faststream import TestApp
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.topics import topic_partitions
from mysessions_platform.testing.cli import run_cli
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters.store import TaskStore
from queue_service.entrypoints.app import create_app, make_store
from queue_service.settings import QueueSettings
from redis.asyncio import Redis

from .pipeline import Pipeline, make_pipeline

pytestmark = pytest.mark.integration


async def _delete_every_record(bootstrap: str, topic: str) -> None:
    """What retention does to raw events after a few days: they are gone."""
    partitions = await topic_partitions(bootstrap, topic)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_records({tp: RecordsToDelete(ends[tp]) for tp in partitions})
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        starts = await consumer.beginning_offsets(partitions)
        assert starts == ends, "the raw events should be gone"
    finally:
        await consumer.stop()


async def _process(pipeline: Pipeline, servers: Endpoints, count: int) -> None:
    config = make_config(tenants=2, services=3, agents=12, rate=10, duration=40, seed=5, fast=True)
    events = list(simulate(config))[:count]
    async with (
        event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender,
        TestApp(create_app(pipeline.queue)),
    ):
        await sender.send_all(events)
        await wait_for(
            lambda: group_caught_up(
                servers.kafka_bootstrap_servers, pipeline.queue.group_id, pipeline.sessions
            ),
            timeout_s=120,
            what="the queue to process every event",
        )


def _stores(redis: Redis, settings: QueueSettings) -> Callable[[str], TaskStore]:
    return lambda prefix: make_store(redis, settings.model_copy(update={"key_prefix": prefix}))


async def test_history_is_restored_from_the_changelog_after_raw_events_expired(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    redis = Redis.from_url(servers.redis_url)
    stores = _stores(redis, pipeline.queue)
    try:
        await _process(pipeline, servers, count=1500)
        before = await stores(pipeline.prefix).snapshot()
        await _delete_every_record(servers.kafka_bootstrap_servers, pipeline.sessions)
        await stores(pipeline.prefix).clear()  # Redis lost everything too

        # As an operator does it: the CLI, pointed at this test's topics and prefix.
        env = pipeline.worker_env(servers)
        rebuilt = await run_cli("rebuild", "--prefix", pipeline.prefix, env=env)
        after = await stores(pipeline.prefix).snapshot()
    finally:
        await redis.aclose()

    assert rebuilt.code == 0, rebuilt.err
    assert " 0 events " in rebuilt.out, "no raw event was left to replay"
    assert "changelog records" in rebuilt.out
    assert sum(len(tasks) for tasks in before.values()) >= 50
    assert after == before


async def test_rebuild_refuses_to_delete_what_it_cannot_restore(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    redis = Redis.from_url(servers.redis_url)
    stores = _stores(redis, pipeline.queue)
    empty_changelog = await kafka_topics.create("no-changelog")
    try:
        await _process(pipeline, servers, count=600)
        before = await stores(pipeline.prefix).snapshot()
        await _delete_every_record(servers.kafka_bootstrap_servers, pipeline.sessions)

        env = {**pipeline.worker_env(servers), "QUEUE_CHANGELOG_TOPIC": empty_changelog}
        refused = await run_cli("rebuild", "--prefix", pipeline.prefix, env=env)
        kept = await stores(pipeline.prefix).snapshot()
        forced = await run_cli("rebuild", "--prefix", pipeline.prefix, "--force", env=env)
        wiped = await stores(pipeline.prefix).snapshot()
        leftovers = [key async for key in redis.scan_iter(match=f"{pipeline.prefix}~*", count=1000)]
    finally:
        await redis.aclose()

    lost = sum(len(tasks) for tasks in before.values())
    assert lost > 0
    assert refused.code == 1
    assert f"refused: {lost} tasks stored now ({lost} missing, 0 older)" in refused.err
    assert "Nothing was deleted" in refused.err
    assert kept == before, "a refused rebuild deletes nothing"
    assert forced.code == 0, forced.err
    assert wiped == {}
    assert leftovers == [], "the scratch prefix is always cleaned up"
