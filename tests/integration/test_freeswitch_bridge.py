"""FreeSWITCH mod_callcenter through the real ``mysessions connect freeswitch`` process, a
local event socket speaking ESL over TCP, and ingest, queue and reporting on real Kafka,
Redis and MongoDB: every agent's task and reporting's records get their outcome and the
timers the events' own times give, through a dropped socket, redeliveries, events out of
order and the bridge killed mid-call.
"""

import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.freeswitch import EslServer, FreeSwitchCall
from mysessions_platform.testing.kafka_reading import wait_for
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

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TENANT = "tenant-freeswitch"
ALICE, BOB = "1000@default", "1001@default"
MAPPING = {"agents": {ALICE: "alice", BOB: "bob"}, "services": {"support@default": "support"}}
PASSWORD = "ClueCon-test"


@asynccontextmanager
async def bridge_process(
    servers: Endpoints, pipeline: Pipeline, port: int, mapping: Path, password: str = PASSWORD
) -> AsyncIterator[asyncio.subprocess.Process]:
    command = Path(sys.executable).parent / "mysessions"
    process = await asyncio.create_subprocess_exec(
        *(str(command), "connect", "freeswitch", "--port", str(port), "--tenant", TENANT),
        *("--mapping", str(mapping), "--topic", pipeline.raw),
        env={
            "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
            "REDIS_URL": servers.redis_url,
            "INGEST_KEY_PREFIX": pipeline.prefix,
            "FREESWITCH_ESL_PASSWORD": password,
            "LOG_LEVEL": "WARNING",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


START = datetime.now(UTC) - timedelta(minutes=10)
"""The calls happened ten minutes ago, by FreeSWITCH's clock (not when they arrive)."""


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


async def test_calls_through_the_event_socket_reach_every_agents_view_and_reporting(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    tmp_path: Path,
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    database = mongo_databases.create("freeswitch")
    reporting = await reporting_settings(servers, kafka_topics, pipeline, database.name)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(MAPPING))
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, pipeline.queue)

    async def task(
        user: str, call: FreeSwitchCall, service_session: str | None = None
    ) -> dict[str, Any]:
        tasks = await agent_view(store, TENANT, user, datetime.now(UTC))
        return next(
            (
                t
                for t in tasks
                if t["session_id"] == call.session_uuid
                and (
                    service_session is None or str(t["user_session_id"]).startswith(service_session)
                )
            ),
            {},
        )

    answered, declined, missed, abandoned, moved = (FreeSwitchCall() for _ in range(5))
    first_queue = moved.member_uuid
    try:
        async with (
            EslServer(PASSWORD) as fs,
            TestApp(create_ingest(pipeline.ingest)),
            TestApp(create_queue(pipeline.queue)),
            reporting_beside(reporting),
        ):
            async with bridge_process(servers, pipeline, fs.port, mapping) as bridge:
                await fs.subscribed()
                assert fs.subscriptions == [
                    "event plain CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info"
                ]
                # Offered, ringing, answered: alice takes the call 6 s after it rang.
                await fs.send(
                    answered.queue_start(at(0)),
                    answered.offering(at(2), ALICE),
                    answered.bridge_start(at(8), ALICE, called=at(2)),
                )
                await wait_for(
                    lambda: _state_is(task("alice", answered), "connected"),
                    what="alice's call to connect",
                )
                # Declined by bob (603), missed by bob (no answer), each caller then hung up
                # waiting; abandoned while alice rang.
                await fs.send(
                    declined.queue_start(at(0)),
                    declined.offering(at(1), BOB),
                    declined.bridge_fail(at(4), BOB, "CALL_REJECTED", called=at(1)),
                    declined.queue_end_cancel(at(10), "BREAK_OUT"),
                    declined.hangup(at(10)),
                    missed.queue_start(at(0)),
                    missed.offering(at(5), BOB),
                    missed.bridge_fail(at(20), BOB, "NO_ANSWER", called=at(5)),
                    missed.queue_end_cancel(at(25), "BREAK_OUT"),
                    missed.hangup(at(25)),
                    abandoned.queue_start(at(0)),
                    abandoned.offering(at(3), ALICE),
                    abandoned.bridge_fail(at(7), ALICE, "ORIGINATOR_CANCEL", called=at(3)),
                    abandoned.queue_end_cancel(at(7), "BREAK_OUT"),
                    abandoned.hangup(at(7)),
                )
                # FreeSWITCH restarts its socket: the bridge reconnects and goes on.
                await fs.drop()
                await fs.subscribed(times=2)
                # Transferred: alice answers, then moves the caller to sales, where bob
                # answers; bob's bridge start arrives before its offering (out of order).
                bob_answer = moved.bridge_start  # built after the move, below
                await fs.send(
                    moved.queue_start(at(0)),
                    moved.offering(at(1), ALICE),
                    moved.bridge_start(at(4), ALICE, called=at(1)),
                    moved.bridge_end(at(34), ALICE, answered=at(4)),
                    moved.queue_end_terminated(at(34), ALICE),
                )
                moved.moved_to("sales@default")
                bob_offering = moved.offering(at(36), BOB)
                await fs.send(
                    moved.queue_start(at(35)),
                    bob_answer(at(40), BOB, called=at(36)),
                    bob_offering,
                )
                await wait_for(
                    lambda: _state_is(task("bob", moved), "connected"),
                    what="bob's transferred call to connect",
                )
                # The bridge is killed mid-call (alice's first call still connected).
                bridge.send_signal(signal.SIGKILL)
                await bridge.wait()
                await fs.gone()

            async with bridge_process(servers, pipeline, fs.port, mapping) as restarted:
                await fs.subscribed(times=3)
                # A redelivery: the event FreeSWITCH sent before the kill, again.
                await fs.send(bob_offering)
                await fs.send(
                    answered.bridge_end(at(68), ALICE, answered=at(8)),
                    answered.queue_end_terminated(at(68), ALICE),
                    answered.hangup(at(68.2)),
                    moved.bridge_end(at(100), BOB, answered=at(40)),
                    moved.queue_end_terminated(at(100), BOB),
                    moved.hangup(at(100), disposition="send_bye"),
                )
                await wait_for(
                    lambda: _all_ended(
                        task("alice", answered), task("bob", moved), task("alice", abandoned)
                    ),
                    what="every call to end",
                )
                records = await written_records(servers, database.name, sessions=5)
                restarted.send_signal(signal.SIGTERM)
                out, _ = await restarted.communicate()
                assert restarted.returncode == 0, out.decode()
                assert "redelivered" in out.decode()

        alice_answered = await task("alice", answered)
        assert alice_answered["outcome"] == "accepted"
        assert alice_answered["service_id"] == "support"
        assert alice_answered["user_session_id"] == f"{answered.member_uuid}:alice:1"
        assert alice_answered["timers"] == {
            "queue_s": pytest.approx(8, abs=0.01),
            "ring_s": pytest.approx(6, abs=0.01),
            "connected_s": pytest.approx(60, abs=0.01),
        } | _rest(alice_answered)

        bob_declined = await task("bob", declined)
        assert (bob_declined["outcome"], bob_declined["state"]) == ("declined", "ended")
        assert bob_declined["timers"]["ring_s"] == pytest.approx(3, abs=0.01)

        bob_missed = await task("bob", missed)
        assert bob_missed["outcome"] == "rona"
        assert bob_missed["timers"]["ring_s"] == pytest.approx(15, abs=0.01)

        alice_abandoned = await task("alice", abandoned)
        assert alice_abandoned["outcome"] == "cancelled"
        assert alice_abandoned["end_reason"] == "abandoned"
        assert alice_abandoned["timers"]["ring_s"] == pytest.approx(4, abs=0.01)

        alice_moved = await task("alice", moved, first_queue)
        assert alice_moved["outcome"] == "accepted"
        assert alice_moved["end_reason"] == "transferred"
        assert alice_moved["timers"]["connected_s"] == pytest.approx(30, abs=0.01)
        bob_moved = await task("bob", moved)
        assert bob_moved["outcome"] == "accepted"
        assert bob_moved["service_id"] == "sales@default"
        # Its offering came after its bridge: the offer is dated by the bridge's
        # CC-Agent-Called-Time, which mod_callcenter writes in whole seconds.
        assert bob_moved["timers"]["ring_s"] == pytest.approx(4, abs=1)
        assert bob_moved["timers"]["connected_s"] == pytest.approx(60, abs=0.01)

        # Reporting's records: one per agent's offer and one per queue stay, FreeSWITCH's
        # times (bob's second ring from the whole-second called time, as above).
        assert len(records.found) == 12, records.summary()
        alice = records.user("alice", answered.session_uuid)
        expect(alice, "accepted", "normal", queue_s=8, ring_s=6, talk_s=60)
        expect(records.service(answered.session_uuid), "accepted", "ended", queue_s=8, talk_s=60)
        expect(records.user("bob", declined.session_uuid), "declined", queue_s=4, ring_s=3)
        expect(records.service(declined.session_uuid), "declined", "abandoned", queue_s=10)
        expect(records.user("bob", missed.session_uuid), "rona", queue_s=20, ring_s=15, talk_s=None)
        expect(records.service(missed.session_uuid), "rona", "abandoned", queue_s=25)
        alice = records.user("alice", abandoned.session_uuid)
        expect(alice, "cancelled", "abandoned", queue_s=7, ring_s=4, talk_s=None)
        expect(records.service(abandoned.session_uuid), "cancelled", "abandoned", queue_s=7)
        alice = records.user("alice", moved.session_uuid, "support")
        expect(alice, "accepted", "transferred", queue_s=4, ring_s=3, talk_s=30)
        bob = records.user("bob", moved.session_uuid, "sales@default")
        expect(bob, "accepted", "normal", queue_s=5, ring_s=4, talk_s=60)
        support = records.service(moved.session_uuid, "support")
        sales = records.service(moved.session_uuid, "sales@default")
        expect(support, "accepted", "transferred", talk_s=30)
        expect(sales, "accepted", "ended", queue_s=5, talk_s=60)
        assert support.service_session_id == first_queue
        assert (support.transfer_target_kind, support.next_service_session_id) == (
            "service",
            sales.service_session_id,
        )
    finally:
        await redis.aclose()


def _rest(task: dict[str, Any]) -> dict[str, Any]:
    """The timers the test does not pin (null for an inbound offer)."""
    return {
        k: v for k, v in task["timers"].items() if k not in ("queue_s", "ring_s", "connected_s")
    }


async def _state_is(task: Awaitable[dict[str, Any]], state: str) -> bool:
    found = await task
    return found.get("state") == state


async def _all_ended(*tasks: Awaitable[dict[str, Any]]) -> bool:
    found = await asyncio.gather(*tasks)
    return all(task.get("state") == "ended" for task in found)


async def test_a_refused_password_stops_the_bridge_with_a_clear_exit(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys, tmp_path: Path
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    mapping = tmp_path / "map.json"
    mapping.write_text("{}")
    async with (
        EslServer(PASSWORD) as fs,
        bridge_process(servers, pipeline, fs.port, mapping, password="wrong") as bridge,
    ):
        out, _ = await asyncio.wait_for(bridge.communicate(), 60)
    assert bridge.returncode == 2
    assert fs.refused_auth == 1
    assert "refused the password" in out.decode()
    assert "wrong" not in out.decode()
