"""``mysessions follow queue-log`` (the real CLI, as a process) on a file that grows, is
rotated and whose follower is killed mid-call, through ingest, queue and reporting on real
Kafka, Redis and MongoDB: every line counts once, none is lost, the timers of the agents'
views and of reporting's records are Asterisk's.

The follower is also restarted from an older checkpoint, as after a death between
publishing a batch and checkpointing it: the lines it reads again give the same event ids
and ingest drops them.
"""

import asyncio
import os
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from contracts import decode_session_event
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import read_everything, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.entrypoints.app import make_store
from queue_service.view import agent_view
from redis.asyncio import Redis

from .pipeline import Pipeline, make_pipeline
from .upstream_reporting import (
    expect,
    reporting_beside,
    reporting_settings,
    written_records,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.slow]

TENANT = "tenant-follow"
CALL = "1767.1"


@asynccontextmanager
async def follower(
    servers: Endpoints, pipeline: Pipeline, log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    command = Path(sys.executable).parent / "mysessions"
    process = await asyncio.create_subprocess_exec(
        *(str(command), "follow", "queue-log", str(log), "--tenant", TENANT),
        *("--topic", pipeline.raw),
        env={
            "PATH": os.environ.get("PATH", ""),
            "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
        },
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


def append(path: Path, text: str) -> None:
    with path.open("a") as out:
        out.write(text)


async def test_rotation_a_kill_mid_call_and_an_old_checkpoint_lose_and_double_nothing(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    tmp_path: Path,
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    database = mongo_databases.create("follow")
    reporting = await reporting_settings(servers, kafka_topics, pipeline, database.name)
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, pipeline.queue)
    log = tmp_path / "queue_log"
    checkpoint = tmp_path / "queue_log.mysessions-follow.json"
    t = int(time.time()) - 600
    enter = f"{t}|{CALL}|support|NONE|ENTERQUEUE||+15551230001|1|Jane Roe\n"
    rona = f"{t + 16}|{CALL}|support|PJSIP/1001|RINGNOANSWER|15000\n"
    connect = f"{t + 26}|{CALL}|support|PJSIP/1002|CONNECT|26|{CALL}.5|6\n"
    complete = f"{t + 206}|{CALL}|support|PJSIP/1002|COMPLETECALLER|26|180|1\n"

    async def task(user: str, state: str) -> dict[str, object]:
        found: dict[str, object] = {}

        async def present() -> bool:
            for item in await agent_view(store, TENANT, user, datetime.now(UTC)):
                if item["session_id"] == CALL and item["state"] == state:
                    found.update(item)
                    return True
            return False

        await wait_for(present, what=f"{user}'s {state} task")
        return found

    async def checkpointed_past(offset: int) -> bool:
        return checkpoint.exists() and f'"offset":{offset},' in checkpoint.read_text()

    try:
        async with (
            TestApp(create_ingest(pipeline.ingest)),
            TestApp(create_queue(pipeline.queue)),
            reporting_beside(reporting),
        ):
            log.write_text(enter)
            async with follower(servers, pipeline, log) as first:
                await wait_for(lambda: checkpointed_past(len(enter)), what="the first checkpoint")
                shutil.copy(checkpoint, tmp_path / "after-enter.json")
                append(log, rona)
                await task("pjsip-1001", "ended")
                append(log, connect[:20])  # Asterisk is writing the next line
                first.kill()
                await first.wait()

            # Back to the checkpoint taken after the first line: the RONA line is read again.
            shutil.copy(tmp_path / "after-enter.json", checkpoint)
            append(log, connect[20:])
            log.rename(tmp_path / "queue_log.1")  # logrotate, then Asterisk reopens its log
            log.write_text(complete)

            async with follower(servers, pipeline, log):
                answered = await task("pjsip-1002", "ended")
            written = await written_records(servers, database.name, sessions=1)
    finally:
        await redis.aclose()

    assert answered["outcome"] == "accepted"
    timers = answered["timers"]
    assert isinstance(timers, dict)
    assert (timers["queue_s"], timers["ring_s"], timers["connected_s"]) == (26, 6, 180)
    # Reporting's records: the RONA (15 s ringing, by its ring time) and the answer, once each.
    assert len(written.found) == 3, written.summary()
    expect(written.user("pjsip-1001", CALL), "rona", queue_s=16, ring_s=15, talk_s=None)
    answer = written.user("pjsip-1002", CALL)
    expect(answer, "accepted", "completecaller", queue_s=26, ring_s=6, talk_s=180)
    expect(written.service(CALL), "accepted", "ended", queue_s=26, ring_s=6, talk_s=180)
    records = await read_everything(servers.kafka_bootstrap_servers, pipeline.sessions)
    kinds = sorted(decode_session_event(r.value).type for r in records if r.value)
    expected = ["session.started", "session.queued", "task.offered", "task.rona"]
    expected += ["task.offered", "task.accepted", "session.ended"]
    assert kinds == sorted(expected)
    # The RONA line was sent twice (read again from the older checkpoint), once through.
    raw = await read_everything(servers.kafka_bootstrap_servers, pipeline.raw)
    raw_ids = [decode_session_event(r.value).event_id for r in raw if r.value]
    assert len(raw_ids) == len(expected) + 2
    assert len(set(raw_ids)) == len(expected)
