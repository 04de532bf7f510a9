"""Three reporting workers of one group on six partitions, one stopped with SIGTERM and one
killed with SIGKILL mid-stream, the one killed being the holder of the sweep's lease (the
survivor takes the sweep over once the lease expires): the records equal a single worker's,
one per user session and per service session, none missing, none twice.

A queue worker folds the stream into the task changelog as it comes, as in production; the
reporting workers read the changelog, the session events and the after-call work. Sessions
three days old: their after-call windows are closed, so each is final once it ended."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from mysessions.commands.simulate import make_config
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document, connect
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.lease import LEASES

from .graceful_stop import GRACE_S
from .pipeline import make_pipeline
from .reporting_pipeline import (
    all_written,
    codes_and_tags_everywhere,
    make_reporting,
    records_written,
)
from .scale_out import PARTITIONS, ScaledGroup, send_in_bursts

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def sweep_holder(database: AsyncDatabase[Document]) -> int:
    """The process id of the worker holding the sweep's lease (taken at start)."""
    leases = database[LEASES]

    async def taken() -> bool:
        return await leases.find_one({"_id": "reporting-sweep"}) is not None

    await wait_for(taken, 30, "a worker to take the sweep's lease")
    lease = await leases.find_one({"_id": "reporting-sweep"})
    assert lease is not None
    return int(lease["owner"].split(":")[1])  # host:pid:random (MongoLease.owner)


async def test_three_workers_under_sigterm_and_sigkill_write_what_one_worker_writes(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    tmp_path: Path,
) -> None:
    config = make_config(tenants=2, services=3, agents=20, rate=15, duration=60, seed=47, fast=True)
    config = replace(config, start=config.start - timedelta(days=3))  # windows closed
    events = list(simulate(config))
    settings_db = mongo_databases.create("settings").name
    await codes_and_tags_everywhere(servers, settings_db, events)
    pipeline = await make_pipeline(
        servers, kafka_topics, redis_keys.prefix, settings_db, partitions=PARTITIONS
    )
    wiring = await make_reporting(kafka_topics, pipeline)
    names = {run: unique_name(run) for run in ("scaled", "single")}
    databases = {run: mongo_databases.create(run).name for run in names}
    for run, name in names.items():  # the records topic each run's workers create
        kafka_topics.names.append(wiring.settings(servers, databases[run], name).target_topic)

    def env(run: str) -> dict[str, str]:
        return wiring.env(
            servers, databases[run], names[run], REPORTING_QUEUE_KEY_PREFIX=redis_keys.prefix
        )

    async def behind() -> bool:
        return not await wiring.caught_up(servers, names["scaled"])

    queue = WorkerProcess("queue_service", pipeline.worker_env(servers), tmp_path / "queue.log")
    group = ScaledGroup("reporting", env("scaled"), env("single"), tmp_path)
    client = connect(servers.mongodb_url)
    try:
        await queue.start()
        await group.start()
        holder = await sweep_holder(client[databases["scaled"]])
        bootstrap = servers.kafka_bootstrap_servers
        faults = await group.faults_mid_stream(
            lambda: send_in_bursts(bootstrap, pipeline.sessions, events),
            behind,
            kill=group.member_of(holder),
        )

        async def settled() -> bool:
            caught_up = [await wiring.caught_up(servers, name) for name in names.values()]
            return all(caught_up) and all(
                [await all_written(client[database]) for database in databases.values()]
            )

        await wait_for(settled, timeout_s=120, what="both runs to write every record")
        assert group.survivor_running(), group.logs()
        after_faults, one_worker = [
            await records_written(client[databases[run]]) for run in ("scaled", "single")
        ]
    finally:
        await group.stop()
        await queue.stop()
        await client.close()

    assert faults.terminated_exit_code == 0, group.logs()
    assert faults.terminated_took_s < GRACE_S
    assert after_faults == one_worker
    user = [r for r in one_worker.values() if r["record_type"] == "user_session"]
    service = [r for r in one_worker.values() if r["record_type"] == "service_session"]
    assert len({r["user_session_id"] for r in user}) == len(user) > 100
    assert len({r["service_session_id"] for r in service}) == len(service) > 50
