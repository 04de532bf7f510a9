"""The ingest worker as a process: /healthz, /readyz and /metrics answer (its processed
counter moves with its first batches); SIGTERM mid-backlog exits 0 within the grace, and
once restarted its output equals an uninterrupted run's: every event once, none twice."""

from collections import Counter
from pathlib import Path

import pytest
from faststream import TestApp
from ingest_service.entrypoints.app import create_app
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up, read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.ports import free_port
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess

from .graceful_stop import GRACE_S, settle, sigterm_mid_backlog
from .pipeline import make_pipeline

pytestmark = pytest.mark.integration


async def test_sigterm_mid_backlog_exits_0_and_the_restart_equals_an_uninterrupted_run(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys, tmp_path: Path
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    config = make_config(tenants=2, services=3, agents=30, rate=20, duration=90, seed=29, fast=True)
    events = list(simulate(config))
    stopped_out = await kafka_topics.create("out-stopped", partitions=3)
    steady_out = await kafka_topics.create("out-steady", partitions=3)
    port, group = free_port(), f"ingest-{redis_keys.key('stopped')}"
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
        "REDIS_URL": servers.redis_url,
        "INGEST_GROUP_ID": group,
        "INGEST_SOURCE_TOPIC": pipeline.raw,
        "INGEST_TARGET_TOPIC": stopped_out,
        "INGEST_DEAD_LETTER_TOPIC": pipeline.dead,
        "INGEST_KEY_PREFIX": redis_keys.key("stopped"),
        # Small batches: the backlog must last until SIGTERM (with 100 a run once finished
        # it between the first batch counted and the check that it was still behind).
        "INGEST_MAX_BATCH": "20",
        "INGEST_HEALTH_PORT": str(port),
        "INGEST_STOP_GRACE_S": str(GRACE_S),
        "LOG_LEVEL": "WARNING",
    }
    worker = WorkerProcess("ingest_service", env, tmp_path / "ingest.log")
    bootstrap = servers.kafka_bootstrap_servers

    async def send_backlog() -> None:
        async with event_sender(bootstrap, pipeline.raw) as sender:
            await sender.send_all(events)

    async def behind() -> bool:
        return not await group_caught_up(bootstrap, group, pipeline.raw)

    steady = pipeline.ingest.model_copy(
        update={
            "group_id": f"ingest-{redis_keys.key('steady')}",
            "target_topic": steady_out,
            "key_prefix": redis_keys.key("steady"),
        }
    )
    try:
        stopped = await sigterm_mid_backlog(worker, port, pipeline.raw, send_backlog, behind)
        assert stopped.exit_code == 0, (tmp_path / "ingest.log").read_text()[-3000:]
        assert stopped.took_s < GRACE_S
        assert stopped.processed_after > stopped.processed_before
        await worker.start()
        async with TestApp(create_app(steady)):
            await settle(
                lambda: group_caught_up(bootstrap, group, pipeline.raw),
                lambda: group_caught_up(bootstrap, steady.group_id, pipeline.raw),
            )
    finally:
        await worker.stop()

    after_stop = Counter(r.value for r in await read_records(bootstrap, stopped_out, 10**6, 5))
    uninterrupted = Counter(r.value for r in await read_records(bootstrap, steady_out, 10**6, 5))
    assert after_stop == uninterrupted
    assert set(after_stop.values()) == {1}, "no event published twice"
    assert sum(uninterrupted.values()) == len({e.event_id for e in events})
