"""The reporting worker as a process: /healthz, /readyz and /metrics answer (its processed
counter moves with its first batches); SIGTERM mid-backlog exits 0 within the grace, and
once restarted it writes exactly the records of a worker that was never interrupted."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from faststream import TestApp
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import connect
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.ports import free_port
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess
from queue_service.entrypoints.app import create_app as create_queue
from reporting_service.entrypoints.app import create_app as create_reporting

from .graceful_stop import GRACE_S, sigterm_mid_backlog
from .pipeline import make_pipeline
from .reporting_pipeline import (
    all_written,
    codes_and_tags_everywhere,
    make_reporting,
    records_written,
)

pytestmark = pytest.mark.integration


async def test_sigterm_mid_backlog_exits_0_and_the_restart_equals_an_uninterrupted_run(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    tmp_path: Path,
) -> None:
    config = make_config(tenants=2, services=3, agents=20, rate=15, duration=60, seed=7, fast=True)
    config = replace(config, start=config.start - timedelta(days=3))  # windows closed
    events = list(simulate(config))
    settings_db = mongo_databases.create("settings").name
    await codes_and_tags_everywhere(servers, settings_db, events)
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix, settings_db)
    wiring = await make_reporting(kafka_topics, pipeline)
    stopped_db, steady_db = mongo_databases.create("stopped"), mongo_databases.create("steady")
    port = free_port()
    env = wiring.env(
        servers,
        stopped_db.name,
        "stopped",
        REPORTING_MAX_BATCH="25",  # a backlog of many batches: still behind at SIGTERM
        REPORTING_HEALTH_PORT=str(port),
        REPORTING_STOP_GRACE_S=str(GRACE_S),
    )
    worker = WorkerProcess("reporting_service", env, tmp_path / "reporting.log")
    bootstrap = servers.kafka_bootstrap_servers

    async def send_backlog() -> None:
        async with event_sender(bootstrap, pipeline.sessions) as sender:
            await sender.send_all(events)

    async def behind() -> bool:
        return not await group_caught_up(bootstrap, "reporting-stopped", pipeline.sessions)

    client = connect(servers.mongodb_url)
    try:
        stopped = await sigterm_mid_backlog(worker, port, pipeline.sessions, send_backlog, behind)
        assert stopped.exit_code == 0, (tmp_path / "reporting.log").read_text()[-3000:]
        assert stopped.took_s < GRACE_S
        assert stopped.processed_after > stopped.processed_before
        await worker.start()
        steady = wiring.settings(servers, steady_db.name, "steady")
        async with TestApp(create_queue(pipeline.queue)), TestApp(create_reporting(steady)):

            async def settled() -> bool:
                caught_up = [await wiring.caught_up(servers, n) for n in ("stopped", "steady")]
                return all(caught_up) and all(
                    [await all_written(client[db.name]) for db in (stopped_db, steady_db)]
                )

            await wait_for(settled, timeout_s=240, what="both workers to write everything")
        after_stop = await records_written(client[stopped_db.name])
        uninterrupted = await records_written(client[steady_db.name])
    finally:
        await worker.stop()
        await client.close()

    assert after_stop == uninterrupted
    assert len(uninterrupted) > 100
