"""The queue worker killed with SIGKILL mid-stream, then restarted, ends with exactly the
view of a worker that was never interrupted."""

import asyncio
from pathlib import Path

import pytest
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess
from queue_service.entrypoints.app import make_store
from redis.asyncio import Redis

from .pipeline import make_pipeline

pytestmark = pytest.mark.integration


@pytest.mark.slow
async def test_sigkill_and_restart_converge_to_the_uninterrupted_view(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys, tmp_path: object
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    config = make_config(tenants=2, services=3, agents=40, rate=20, duration=90, seed=11, fast=True)
    events = list(simulate(config))
    assert len(events) > 1500

    steady_prefix, crashing_prefix = redis_keys.key("steady"), redis_keys.key("crashing")
    logs = Path(str(tmp_path))
    steady = WorkerProcess(
        "queue_service", pipeline.worker_env(servers, steady_prefix), logs / "steady.log"
    )
    crashing = WorkerProcess(
        "queue_service", pipeline.worker_env(servers, crashing_prefix), logs / "crashing.log"
    )
    redis = Redis.from_url(servers.redis_url)
    settings = pipeline.queue
    crashing_store = make_store(redis, settings.model_copy(update={"key_prefix": crashing_prefix}))
    steady_store = make_store(redis, settings.model_copy(update={"key_prefix": steady_prefix}))
    try:
        await steady.start()
        await crashing.start()
        async with event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender:
            half = len(events) // 2
            await sender.send_all(events[:half])

            async def crashing_worker_is_busy() -> bool:
                return len(await crashing_store.snapshot()) > 0

            await wait_for(crashing_worker_is_busy, what="the worker to write its first tasks")
            await crashing.kill()  # mid-stream: more is still on its way
            await sender.send_all(events[half:])
        await asyncio.sleep(1)
        await crashing.start()

        for prefix in (steady_prefix, crashing_prefix):
            group = f"queue-{prefix}"
            await wait_for(
                lambda group=group: group_caught_up(  # type: ignore[misc]
                    servers.kafka_bootstrap_servers, group, pipeline.sessions
                ),
                timeout_s=180,
                what=f"{group} to catch up",
            )
        after_crash, uninterrupted = await crashing_store.snapshot(), await steady_store.snapshot()
    finally:
        await steady.stop()
        await crashing.stop()
        await redis.aclose()

    assert after_crash == uninterrupted
    assert len(uninterrupted) >= 40, "agents of both tenants have tasks"
    assert sum(len(tasks) for tasks in uninterrupted.values()) > 200
