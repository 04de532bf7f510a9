"""An Asterisk queue_log file, published by the real CLI, through ingest and queue on real
Kafka and Redis: the agents' tasks carry the durations Asterisk logged.

The call used is the sample's first (``1718000100.1``, queue ``support``)::

    1718000100|…|ENTERQUEUE||+15551230001|1|Jane Roe
    1718000115|…|PJSIP/1001|RINGNOANSWER|15000            ring time in ms
    1718000126|…|PJSIP/1002|CONNECT|26|1718000120.5|6     holdtime, bridged id, ring time (s)
    1718000306|…|PJSIP/1002|COMPLETECALLER|26|180|1       holdtime, calltime, origposition

Without a mapping file an agent's user id is derived from the interface
(``PJSIP/1001`` -> ``pjsip-1001``) and each offer is the user session ``<call>:<user>:<n>``.
"""

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.entrypoints.app import make_store
from queue_service.view import agent_view
from redis.asyncio import Redis

from .pipeline import make_pipeline

# Drives the whole pipeline, from upstream events to the CLI an operator uses.
pytestmark = [pytest.mark.integration, pytest.mark.e2e]

SAMPLE = Path(__file__).parents[2] / "services/ingest/tests/unit/queue_log/data/queue_log.sample"
TENANT = "tenant-asterisk"
CALL = "1718000100.1"
ANSWERED_BY, RONA_BY = "pjsip-1002", "pjsip-1001"
HOLD_S, CONNECT_RING_S, CALL_S = 26, 6, 180  # CONNECT and COMPLETECALLER
RONA_RING_MS = 15000  # RINGNOANSWER


async def publish_sample(servers: Endpoints, topic: str) -> tuple[int, str]:
    command = Path(sys.executable).parent / "mysessions"
    process = await asyncio.create_subprocess_exec(
        *(str(command), "publish", str(SAMPLE), "--format", "queue-log"),
        *("--tenant", TENANT, "--topic", topic),
        env={"KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers, "COLUMNS": "200"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_queue_log_timers_reach_the_agents_views(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    lines = SAMPLE.read_text().splitlines()
    assert f"1718000115|{CALL}|support|PJSIP/1001|RINGNOANSWER|{RONA_RING_MS}" in lines
    connect = f"1718000126|{CALL}|support|PJSIP/1002|CONNECT|{HOLD_S}|1718000120.5|{CONNECT_RING_S}"
    assert connect in lines
    assert f"1718000306|{CALL}|support|PJSIP/1002|COMPLETECALLER|{HOLD_S}|{CALL_S}|1" in lines

    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    # The sample was logged in June 2024: keep history that old, or it is trimmed at once.
    queue_settings = pipeline.queue.model_copy(update={"history_days": 365 * 100})

    code, out = await publish_sample(servers, pipeline.raw)

    # The sample holds two malformed lines on purpose: reported, and the exit code says
    # so, while every other line is sent.
    assert code == 1, out
    assert "sent " in out
    assert "line 27" in out
    assert "line 31" in out

    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, queue_settings)

    async def task_of(user: str) -> dict[str, object] | None:
        tasks = await agent_view(store, TENANT, user, datetime.now(UTC))
        return next((t for t in tasks if t["session_id"] == CALL and t["state"] == "ended"), None)

    async def both_ended() -> bool:
        return await task_of(ANSWERED_BY) is not None and await task_of(RONA_BY) is not None

    try:
        async with TestApp(create_ingest(pipeline.ingest)), TestApp(create_queue(queue_settings)):
            await wait_for(both_ended, what="both agents' tasks of the call to end")
        answered, returned = await task_of(ANSWERED_BY), await task_of(RONA_BY)
    finally:
        await redis.aclose()

    assert answered is not None
    assert answered["user_session_id"] == f"{CALL}:{ANSWERED_BY}:1"
    assert answered["outcome"] == "accepted"
    assert answered["service_id"] == "support"
    timers = answered["timers"]
    assert isinstance(timers, dict)
    assert timers["queue_s"] == HOLD_S
    assert timers["ring_s"] == CONNECT_RING_S
    assert timers["connected_s"] == pytest.approx(CALL_S, abs=1)

    assert returned is not None
    assert returned["user_session_id"] == f"{CALL}:{RONA_BY}:1"
    assert returned["outcome"] == "rona"
    timers = returned["timers"]
    assert isinstance(timers, dict)
    assert timers["ring_s"] == RONA_RING_MS / 1000
    assert timers["connected_s"] is None
