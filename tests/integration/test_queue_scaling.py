"""Two queue workers in one consumer group share the partitions (and rebalance when the
second joins mid-stream); together they produce exactly what a rebuild from the log gives."""

from pathlib import Path

import pytest
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up, group_members, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess
from queue_service.entrypoints.app import make_store
from queue_service.rebuild import Rebuild
from redis.asyncio import Redis

from .pipeline import make_pipeline

pytestmark = pytest.mark.integration


async def test_two_workers_of_one_group_equal_a_rebuild(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys, tmp_path: Path
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    config = make_config(tenants=2, services=3, agents=40, rate=20, duration=60, seed=23, fast=True)
    events = list(simulate(config))
    env = pipeline.worker_env(servers)
    first = WorkerProcess("queue_service", env, tmp_path / "first.log")
    second = WorkerProcess("queue_service", env, tmp_path / "second.log")
    redis = Redis.from_url(servers.redis_url)
    live = make_store(redis, pipeline.queue)
    try:
        await first.start()
        async with event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender:
            third = len(events) // 3
            await sender.send_all(events[:third])
            await second.start()  # joins mid-stream: the group rebalances

            async def both_joined() -> bool:
                members = await group_members(
                    servers.kafka_bootstrap_servers, pipeline.queue.group_id
                )
                return members == 2

            await wait_for(both_joined, what="the second worker to join the group")
            await sender.send_all(events[third:])
        await wait_for(
            lambda: group_caught_up(
                servers.kafka_bootstrap_servers, pipeline.queue.group_id, pipeline.sessions
            ),
            timeout_s=180,
            what="the group to catch up",
        )
        shared = await live.snapshot()
        rebuilt_prefix = redis_keys.key("rebuilt")
        report = await Rebuild(
            lambda prefix: make_store(
                redis, pipeline.queue.model_copy(update={"key_prefix": prefix})
            ),
            servers.kafka_bootstrap_servers,
            pipeline.sessions,
            pipeline.changelog,
        ).run(rebuilt_prefix)
        assert not report.refused
        from_log = await make_store(
            redis, pipeline.queue.model_copy(update={"key_prefix": rebuilt_prefix})
        ).snapshot()
    finally:
        await first.stop()
        await second.stop()
        await redis.aclose()

    assert shared == from_log
    assert len(shared) >= 40
