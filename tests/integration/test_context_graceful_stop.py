"""The context worker as a process: /healthz, /readyz and /metrics answer (its processed
counter moves with its first batches); SIGTERM mid-backlog exits 0 within the grace, and
once restarted it has stored and kept live exactly what an uninterrupted worker has."""

from pathlib import Path

import pytest
from context_service.entrypoints.app import create_app
from context_service.settings import ContextSettings
from faststream import TestApp
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import connect, with_database
from mysessions_platform.testing.kafka_reading import group_caught_up
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.ports import free_port
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess
from redis.asyncio import Redis

from .context_state import context_kept, store_context_everywhere
from .graceful_stop import GRACE_S, settle, sigterm_mid_backlog

pytestmark = pytest.mark.integration


async def test_sigterm_mid_backlog_exits_0_and_the_restart_equals_an_uninterrupted_run(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    tmp_path: Path,
) -> None:
    config = make_config(tenants=2, services=3, agents=30, rate=20, duration=90, seed=31, fast=True)
    events = list(simulate(config))
    sessions = await kafka_topics.create("sessions", partitions=3)
    dead = await kafka_topics.create("dlq")
    stopped_db, steady_db = mongo_databases.create("stopped"), mongo_databases.create("steady")
    client = connect(servers.mongodb_url)
    for database in (stopped_db, steady_db):
        await store_context_everywhere(client[database.name], events)
    port, stopped_prefix = free_port(), redis_keys.key("stopped")
    group = f"context-{stopped_prefix}"
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
        "REDIS_URL": servers.redis_url,
        "MONGODB_URL": with_database(servers.mongodb_url, stopped_db.name),
        "CONTEXT_GROUP_ID": group,
        "CONTEXT_SOURCE_TOPIC": sessions,
        "CONTEXT_DEAD_LETTER_TOPIC": dead,
        "CONTEXT_KEY_PREFIX": stopped_prefix,
        "CONTEXT_MAX_BATCH": "100",
        "CONTEXT_HEALTH_PORT": str(port),
        "CONTEXT_STOP_GRACE_S": str(GRACE_S),
        "LOG_LEVEL": "WARNING",
    }
    worker = WorkerProcess("context_service", env, tmp_path / "context.log")
    bootstrap = servers.kafka_bootstrap_servers

    async def send_backlog() -> None:
        async with event_sender(bootstrap, sessions) as sender:
            await sender.send_all(events)

    async def behind() -> bool:
        return not await group_caught_up(bootstrap, group, sessions)

    steady = ContextSettings().model_copy(
        update={
            "kafka_bootstrap_servers": bootstrap,
            "redis_url": servers.redis_url,
            "mongodb_url": with_database(servers.mongodb_url, steady_db.name),
            "group_id": f"context-{redis_keys.key('steady')}",
            "source_topic": sessions,
            "dead_letter_topic": dead,
            "key_prefix": redis_keys.key("steady"),
        }
    )
    redis = Redis.from_url(servers.redis_url)
    try:
        stopped = await sigterm_mid_backlog(worker, port, sessions, send_backlog, behind)
        assert stopped.exit_code == 0, (tmp_path / "context.log").read_text()[-3000:]
        assert stopped.took_s < GRACE_S
        assert stopped.processed_after > stopped.processed_before
        await worker.start()
        async with TestApp(create_app(steady)):
            await settle(
                lambda: group_caught_up(bootstrap, group, sessions),
                lambda: group_caught_up(bootstrap, steady.group_id, sessions),
            )
        after_stop = await context_kept(client[stopped_db.name], redis, stopped_prefix)
        uninterrupted = await context_kept(client[steady_db.name], redis, steady.key_prefix)
    finally:
        await worker.stop()
        await redis.aclose()
        await client.close()

    live_a, live_b = after_stop["live"], uninterrupted["live"]
    assert live_a.keys() == live_b.keys()
    assert {k: live_a[k] for k in live_a if live_a[k] != live_b[k]} == {
        k: live_b[k] for k in live_b if live_a[k] != live_b[k]
    }
    assert after_stop["stored"] == uninterrupted["stored"]
    assert len(uninterrupted["stored"]) > 50, "departures stored for the opted-in services"
    assert len(uninterrupted["live"]) > 50, "live contexts and ended markers"
