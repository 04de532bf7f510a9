"""The queue worker as a process: /healthz, /readyz and /metrics answer (its processed
counter moves with its first batches); SIGTERM mid-backlog exits 0 within the grace, and
once restarted it ends with exactly the view of a worker that was never interrupted."""

from pathlib import Path

import pytest
from faststream import TestApp
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.ports import free_port
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess
from queue_service.entrypoints.app import create_app, make_store
from redis.asyncio import Redis

from .graceful_stop import GRACE_S, settle, sigterm_mid_backlog
from .pipeline import make_pipeline

pytestmark = pytest.mark.integration


async def test_sigterm_mid_backlog_exits_0_and_the_restart_equals_an_uninterrupted_run(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys, tmp_path: Path
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    config = make_config(
        tenants=2, services=3, agents=30, rate=20, duration=120, seed=17, fast=True
    )
    events = list(simulate(config))
    stopped_prefix, steady_prefix = redis_keys.key("stopped"), redis_keys.key("steady")
    port = free_port()
    env = {
        **pipeline.worker_env(servers, stopped_prefix),
        "QUEUE_MAX_BATCH": "100",
        "QUEUE_HEALTH_PORT": str(port),
        "QUEUE_STOP_GRACE_S": str(GRACE_S),
    }
    worker = WorkerProcess("queue_service", env, tmp_path / "queue.log")
    group = env["QUEUE_GROUP_ID"]
    bootstrap = servers.kafka_bootstrap_servers

    async def send_backlog() -> None:
        async with event_sender(bootstrap, pipeline.sessions) as sender:
            await sender.send_all(events)

    async def behind() -> bool:
        return not await group_caught_up(bootstrap, group, pipeline.sessions)

    redis = Redis.from_url(servers.redis_url)
    settings = pipeline.queue
    steady = settings.model_copy(update={"key_prefix": steady_prefix, "group_id": steady_prefix})
    try:
        stopped = await sigterm_mid_backlog(worker, port, pipeline.sessions, send_backlog, behind)
        assert stopped.exit_code == 0, (tmp_path / "queue.log").read_text()[-3000:]
        assert stopped.took_s < GRACE_S
        assert stopped.processed_after > stopped.processed_before
        await worker.start()
        async with TestApp(create_app(steady)):
            await settle(
                lambda: group_caught_up(bootstrap, group, pipeline.sessions),
                lambda: group_caught_up(bootstrap, steady.group_id, pipeline.sessions),
            )
        restarted = make_store(redis, settings.model_copy(update={"key_prefix": stopped_prefix}))
        after_stop, uninterrupted = (
            await restarted.snapshot(),
            await make_store(redis, steady).snapshot(),
        )
    finally:
        await worker.stop()
        await redis.aclose()

    assert after_stop == uninterrupted
    assert sum(len(tasks) for tasks in uninterrupted.values()) > 100
