"""The reporting worker killed with SIGKILL mid-stream, several times, and restarted:
exactly one record per user session and per service session, none missing, equal to the
records of a worker that was never interrupted; every record reaches the records topic."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from contracts import SessionRecord
from faststream import TestApp
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document, connect
from mysessions_platform.testing.kafka_reading import group_caught_up, read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess
from pymongo.asynchronous.database import AsyncDatabase
from queue_service.entrypoints.app import create_app as create_queue
from reporting_service.adapters.facts_store import SESSIONS, WRITTEN
from reporting_service.adapters.records_store import RECORDS, RecordsStore

from .pipeline import make_pipeline
from .reporting_pipeline import (
    codes_and_tags_everywhere,
    latest_tasks,
    make_reporting,
    publish_work,
    records_written,
    work_for,
)

pytestmark = pytest.mark.integration


async def _idle(database: AsyncDatabase[Document]) -> bool:
    """Nothing due within a minute, nothing unpublished."""
    soon = datetime.now(UTC) + timedelta(minutes=1)
    due = {"status": "pending", "due_at": {"$lt": soon}}
    return (
        not await database["reporting_sessions"].count_documents(due)
        and not await RecordsStore(database).count_unpublished()
    )


@pytest.mark.slow
async def test_sigkill_and_restart_write_each_record_exactly_once(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    tmp_path: Path,
) -> None:
    config = make_config(tenants=2, services=3, agents=20, rate=15, duration=60, seed=5, fast=True)
    config = replace(config, start=config.start - timedelta(days=3))  # windows closed
    events = list(simulate(config))
    settings_db = mongo_databases.create("settings").name
    await codes_and_tags_everywhere(servers, settings_db, events)
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix, settings_db)
    wiring = await make_reporting(kafka_topics, pipeline)

    # The queue folds everything first: its changelog is reporting's input.
    async with event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender:
        await sender.send_all(events)
    async with TestApp(create_queue(pipeline.queue)):
        await wait_for(
            lambda: group_caught_up(
                servers.kafka_bootstrap_servers, pipeline.queue.group_id, pipeline.sessions
            ),
            timeout_s=180,
            what="the queue to catch up",
        )
        await asyncio.sleep(1)
    tasks = await latest_tasks(servers, pipeline.changelog)
    open_tasks = sorted((t for t in tasks if t.open), key=lambda t: t.user_session_id)
    assert len(open_tasks) > 30
    await publish_work(servers, wiring.acw, [work_for(t) for t in open_tasks[::2]])

    steady_db, crashing_db = mongo_databases.create("steady"), mongo_databases.create("crash")
    logs = Path(str(tmp_path))
    steady = WorkerProcess(
        "reporting_service",
        wiring.env(servers, steady_db.name, "steady"),
        logs / "steady.log",
    )
    crashing = WorkerProcess(
        "reporting_service",
        wiring.env(servers, crashing_db.name, "crashing", REPORTING_MAX_BATCH="40"),
        logs / "crashing.log",
    )
    client = connect(servers.mongodb_url)
    steady_view, crashing_view = client[steady_db.name], client[crashing_db.name]
    kills = 0
    try:
        await steady.start()
        await crashing.start()
        for threshold in (20, 70):

            async def reached(threshold: int = threshold) -> bool:
                """Sessions heard of (pending, or written: their facts are gone then)."""
                tracked = await crashing_view[SESSIONS].count_documents({})
                written = await crashing_view[WRITTEN].count_documents({})
                return tracked + written >= threshold

            await wait_for(reached, timeout_s=120, what=f"{threshold} sessions")
            await crashing.kill()
            kills += 1
            await asyncio.sleep(0.5)
            await crashing.start()

        async def writing() -> bool:
            return await crashing_view[RECORDS].count_documents({}) > 0

        await wait_for(writing, timeout_s=120, what="the first records")
        await crashing.kill()  # mid-sweep: records written, some not yet published
        kills += 1
        await crashing.start()

        async def settled() -> bool:
            done = [await wiring.caught_up(servers, name) for name in ("steady", "crashing")]
            if not all(done):
                return False
            await asyncio.sleep(4)  # settle (1 s) and a few sweeps
            pending = {"status": "pending", "due_at": {"$lt": config.start + timedelta(days=3650)}}
            left = [
                await db["reporting_sessions"].count_documents(pending)
                for db in (steady_view, crashing_view)
            ]
            unpublished = [
                await RecordsStore(db).count_unpublished() for db in (steady_view, crashing_view)
            ]
            return left == [0, 0] and unpublished == [0, 0]

        await wait_for(settled, timeout_s=240, what="both workers to write everything")
        after_crash, uninterrupted = (
            await records_written(crashing_view),
            await records_written(steady_view),
        )
        published = await read_records(
            servers.kafka_bootstrap_servers,
            wiring.settings(servers, crashing_db.name, "crashing").target_topic,
            len(after_crash),
        )
    finally:
        await steady.stop()
        await crashing.stop()
        await client.close()

    assert kills == 3
    assert after_crash == uninterrupted
    user = [r for r in uninterrupted.values() if r["record_type"] == "user_session"]
    service = [r for r in uninterrupted.values() if r["record_type"] == "service_session"]
    assert len({r["user_session_id"] for r in user}) == len(user) > 100
    assert len({r["service_session_id"] for r in service}) == len(service) > 50
    ended = {t.user_session_id for t in tasks if t.state == "ended"}
    assert {r["user_session_id"] for r in user} <= ended
    concluded = {r["concluded_by"] for r in user}
    assert concluded == {"user", "system", None}
    assert {SessionRecord.model_validate_json(r.value).record_id for r in published} == set(
        after_crash
    )
