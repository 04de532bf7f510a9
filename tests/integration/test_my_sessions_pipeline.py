"""Events in through ingest and queue on real Kafka and Redis; the agent's list out."""

import json
import random
from datetime import UTC, datetime

import pytest
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from mysessions.events_out import event_sender
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.cli import run_cli
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.entrypoints.app import make_store
from queue_service.view import agent_view
from redis.asyncio import Redis

from .pipeline import make_pipeline
from .scenario import AGENT, TENANT, morning

# Drives the whole pipeline, from upstream events to the CLI an operator uses.
pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def mysessions(*args: str, env: dict[str, str]) -> str:
    result = await run_cli(*args, env=env)
    assert result.code == 0, result.err
    return result.out


async def test_agent_sees_every_task_in_order_whatever_the_delivery(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    sessions = morning()
    rng = random.Random(7)
    async with event_sender(servers.kafka_bootstrap_servers, pipeline.raw) as sender:
        for session in sessions:
            # Upstream reorders and repeats: shuffle each session, send some events twice.
            events = session.events + rng.sample(session.events, k=2)
            rng.shuffle(events)
            await sender.send_all(events)

    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, pipeline.queue)

    expected = [s.session_id for s in sessions]

    async def listed_as_expected() -> bool:
        tasks = await agent_view(store, TENANT, AGENT, datetime.now(UTC))
        return [task["session_id"] for task in tasks] == expected

    async with TestApp(create_ingest(pipeline.ingest)), TestApp(create_queue(pipeline.queue)):
        await wait_for(listed_as_expected, what="the agent's list")
        await wait_for(
            lambda: group_caught_up(
                servers.kafka_bootstrap_servers, pipeline.queue.group_id, pipeline.sessions
            ),
            what="queue to commit",
        )

    env = {**pipeline.worker_env(servers)}
    shown = json.loads(
        await mysessions("view", "--tenant", TENANT, "--user", AGENT, "--json", env=env)
    )
    assert [t["session_id"] for t in shown] == expected
    by_session = {t["session_id"]: t for t in shown}
    assert [by_session[s]["state"] for s in expected] == [
        "incoming",
        "incoming",
        "connected",
        "connected",
        "ended",
        "ended",
    ]
    assert by_session["s-a"]["outcome"] == "accepted"
    assert by_session["s-a"]["timers"]["queue_s"] == 26.0
    assert by_session["s-a"]["timers"]["ring_s"] == 6.0
    assert by_session["s-a"]["timers"]["connected_s"] == 300.0
    # Its service has no settings, so Codes and Tags is off: no task is open for work.
    assert by_session["s-a"]["open"] is False
    assert by_session["s-b"]["outcome"] == "rona"
    assert by_session["s-b"]["timers"]["ring_s"] == 15.0
    assert by_session["s-e"]["direction"] == "outbound"
    assert by_session["s-e"]["timers"]["dialout_s"] == 3.0
    assert by_session["s-e"]["timers"]["ringing_s"] == 6.0
    assert by_session["s-e"]["caller"]["display_name"] == "Bob"
    assert by_session["s-f"]["email"]["subject"] == "Invoice 42"
    # An anonymous caller is shown as "Anonymous" and its placeholder address never shown.
    assert by_session["s-c"]["caller"] == {"display_name": "Anonymous", "address": None}
    assert set(shown[0]) >= {
        "session_id",
        "service_id",
        "service_name",
        "modality",
        "direction",
        "state",
        "outcome",
        "open",
        "started_at",
        "timers",
        "caller",
    }
    assert set(shown[0]["timers"]) == {"queue_s", "ring_s", "connected_s", "dialout_s", "ringing_s"}

    # Another tenant's agent with the same user id sees nothing of it.
    other = await agent_view(store, "tenant-other", AGENT, datetime.now(UTC))
    assert other == []

    # Rebuilding from sessions.events gives exactly the live state.
    rebuilt_prefix = redis_keys.key("rebuilt")
    out = await mysessions(
        "rebuild", "--prefix", rebuilt_prefix, "--compare-with", pipeline.prefix, env=env
    )
    assert "identical" in out
    await redis.aclose()
