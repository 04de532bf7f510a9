"""``mysessions connect ami`` (the real CLI, as a process) against a local AMI server over
TCP, through ingest, queue and reporting on real Kafka, Redis and MongoDB: each agent's view
and timers, and reporting's records with Asterisk's times.

Calls are written from app_queue's documented events (see ``fake_asterisk.calls``); they
carry ``Timestamp`` in the recent past, except where a test says otherwise.
"""

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from contracts import decode_session_event
from fake_asterisk.calls import Call
from fake_asterisk.server import FakeAsterisk, fake_asterisk
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

TENANT = "tenant-ami"


@asynccontextmanager
async def bridge(
    servers: Endpoints, pipeline: Pipeline, asterisk: FakeAsterisk
) -> AsyncIterator[asyncio.subprocess.Process]:
    command = Path(sys.executable).parent / "mysessions"
    process = await asyncio.create_subprocess_exec(
        *(str(command), "connect", "ami", "--host", "127.0.0.1", "--port", str(asterisk.port)),
        *("--username", asterisk.username, "--tenant", TENANT, "--topic", pipeline.raw),
        *("--key-prefix", pipeline.prefix),
        env={
            "PATH": os.environ.get("PATH", ""),
            "AMI_SECRET": asterisk.secret,
            "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
            "REDIS_URL": servers.redis_url,
            "REDIS_CLUSTER": "true" if servers.redis_cluster else "false",
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


class Views:
    def __init__(self, servers: Endpoints, pipeline: Pipeline) -> None:
        self.redis = Redis.from_url(servers.redis_url)
        self.store = make_store(self.redis, pipeline.queue)

    async def task(self, user: str, session: str, state: str | None = None) -> dict[str, object]:
        found: dict[str, object] = {}

        async def present() -> bool:
            tasks = await agent_view(self.store, TENANT, user, datetime.now(UTC))
            for task in tasks:
                if task["session_id"] == session and state in (None, task["state"]):
                    found.update(task)
                    return True
            return False

        await wait_for(present, what=f"{user}'s task of {session} ({state or 'any'})")
        return found


def timers(task: dict[str, object]) -> dict[str, float | None]:
    value = task["timers"]
    assert isinstance(value, dict)
    return value


async def test_offered_ringing_answered_declined_missed_abandoned_transferred(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    database = mongo_databases.create("ami")
    reporting = await reporting_settings(servers, kafka_topics, pipeline, database.name)
    views = Views(servers, pipeline)
    t = time.time() - 600
    answered, declined = Call("1765.1"), Call("1765.2", number="+15551230002")
    missed, transferred = Call("1765.3"), Call("1765.4")
    try:
        async with (
            fake_asterisk() as asterisk,
            bridge(servers, pipeline, asterisk),
            TestApp(create_ingest(pipeline.ingest)),
            TestApp(create_queue(pipeline.queue)),
            reporting_beside(reporting),
        ):
            await asterisk.wait_for_login(1)
            # Offered and ringing: the agent sees it incoming while AgentCalled rings.
            await asterisk.send(answered.join(t), answered.called(t + 5, "PJSIP/1001", "a.1"))
            ringing = await views.task("pjsip-1001", "1765.1", "incoming")
            assert ringing["outcome"] is None
            await asterisk.send(
                answered.leave(t + 11),
                answered.connect(t + 11, "a.1", hold_s=11, ring_s=6),
                answered.dial_end(t + 11, "a.1", "ANSWER"),
                answered.complete(t + 191, "a.1", hold_s=11, talk_s=180, reason="caller"),
                answered.hangup(t + 191),
                # Declined: the phone answered BUSY; then another agent took the call.
                declined.join(t),
                declined.called(t + 2, "PJSIP/1002", "d.1"),
                declined.dial_end(t + 4, "d.1", "BUSY"),
                declined.ring_no_answer(t + 4, "d.1", ring_ms=2000),
                declined.called(t + 6, "PJSIP/1001", "d.2"),
                declined.leave(t + 9),
                declined.connect(t + 9, "d.2", hold_s=9, ring_s=3),
                declined.complete(t + 69, "d.2", hold_s=9, talk_s=60, reason="agent"),
                # Missed (RONA), then the caller gave up while the next ring was on.
                missed.join(t),
                missed.called(t + 1, "PJSIP/1003", "m.1"),
                missed.dial_end(t + 16, "m.1", "NOANSWER"),
                missed.ring_no_answer(t + 16, "m.1", ring_ms=15000),
                missed.called(t + 20, "PJSIP/1002", "m.2"),
                missed.abandon(t + 25, hold_s=25),
                missed.leave(t + 25),
                missed.hangup(t + 25),
                # Transferred by its agent to an extension.
                transferred.join(t),
                transferred.called(t + 3, "PJSIP/1003", "x.1"),
                transferred.leave(t + 7),
                transferred.connect(t + 7, "x.1", hold_s=7, ring_s=4),
                transferred.blind_transfer(t + 37, "x.1", "+15559870000", "external"),
                transferred.complete(t + 37, "x.1", hold_s=7, talk_s=30, reason="transfer"),
            )

            task = await views.task("pjsip-1001", "1765.1", "ended")
            assert (task["outcome"], task["user_session_id"]) == ("accepted", "1765.1:pjsip-1001:1")
            assert timers(task)["queue_s"] == 11
            assert timers(task)["ring_s"] == 6
            assert timers(task)["connected_s"] == 180

            task = await views.task("pjsip-1002", "1765.2", "ended")
            assert task["outcome"] == "declined"
            assert timers(task)["ring_s"] == 2
            task = await views.task("pjsip-1001", "1765.2", "ended")
            assert task["outcome"] == "accepted"
            assert timers(task)["connected_s"] == 60

            task = await views.task("pjsip-1003", "1765.3", "ended")
            assert task["outcome"] == "rona"
            assert timers(task)["ring_s"] == 15
            task = await views.task("pjsip-1002", "1765.3", "ended")
            assert task["outcome"] == "cancelled"
            assert timers(task)["ring_s"] == 5

            # The transfer ends the agent's part: connected until the transfer.
            task = await views.task("pjsip-1003", "1765.4", "ended")
            assert task["outcome"] == "accepted"
            assert timers(task)["connected_s"] == 30
            records = await written_records(servers, database.name, sessions=4)

        # Reporting's records: one per AgentCalled and one per queue stay, Asterisk's times
        # (a user record's queue_s ends with its ring: CONNECT's holdtime when answered).
        assert len(records.found) == 10, records.summary()
        agent = records.user("pjsip-1001", "1765.1")
        expect(agent, "accepted", "completecaller", queue_s=11, ring_s=6, talk_s=180)
        expect(records.service("1765.1"), "accepted", "ended", queue_s=11, talk_s=180)
        expect(records.user("pjsip-1002", "1765.2"), "declined", queue_s=4, ring_s=2)
        agent = records.user("pjsip-1001", "1765.2")
        expect(agent, "accepted", "completeagent", queue_s=9, ring_s=3, talk_s=60)
        expect(records.service("1765.2"), "accepted", "ended", queue_s=9, talk_s=60)
        expect(records.user("pjsip-1003", "1765.3"), "rona", queue_s=16, ring_s=15, talk_s=None)
        expect(records.user("pjsip-1002", "1765.3"), "cancelled", "abandoned", ring_s=5)
        expect(records.service("1765.3"), "cancelled", "abandoned", queue_s=25, ring_s=5)
        agent = records.user("pjsip-1003", "1765.4")
        expect(agent, "accepted", "transferred", queue_s=7, ring_s=4, talk_s=30)
        transferred_away = records.service("1765.4")
        expect(transferred_away, "accepted", "transferred", queue_s=7, talk_s=30)
        assert transferred_away.transfer_target_kind == "external"
    finally:
        await views.redis.aclose()


async def test_the_bridge_killed_mid_call_and_a_dropped_connection_lose_and_double_nothing(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    views = Views(servers, pipeline)
    call = Call("1766.1", stamped=False)  # arrival times: the timers come from durations
    try:
        async with (
            fake_asterisk() as asterisk,
            TestApp(create_ingest(pipeline.ingest)),
            TestApp(create_queue(pipeline.queue)),
        ):
            async with bridge(servers, pipeline, asterisk) as first:
                await asterisk.wait_for_login(1)
                joined = time.monotonic()
                await asterisk.send(call.join(0), call.called(0, "PJSIP/1001", "k.1"))
                await views.task("pjsip-1001", "1766.1", "incoming")
                first.kill()  # no goodbye: the state in Redis is all that remains
                await first.wait()

            async with bridge(servers, pipeline, asterisk):
                await asterisk.wait_for_login(2)
                # Asterisk says how long the caller held and the phone rang, in whole seconds.
                await asyncio.sleep(1)
                held = int(time.monotonic() - joined)
                connected = time.monotonic()
                await asterisk.send(call.leave(0), call.connect(0, "k.1", hold_s=held, ring_s=held))
                await views.task("pjsip-1001", "1766.1", "connected")
                await asterisk.drop()  # Asterisk restarts its manager: the bridge reconnects
                await asterisk.wait_for_login(3)
                talked = int(time.monotonic() - connected)
                await asterisk.send(call.complete(0, "k.1", held, talked, reason="agent"))
                task = await views.task("pjsip-1001", "1766.1", "ended")

        assert task["outcome"] == "accepted"
        assert timers(task)["connected_s"] == talked
        assert timers(task)["queue_s"] == pytest.approx(held, abs=1)
        records = await read_everything(servers.kafka_bootstrap_servers, pipeline.sessions)
        kinds = sorted(decode_session_event(r.value).type for r in records if r.value)
        assert kinds == sorted(
            ["session.started", "session.queued", "task.offered", "task.accepted", "session.ended"]
        )
    finally:
        await views.redis.aclose()
