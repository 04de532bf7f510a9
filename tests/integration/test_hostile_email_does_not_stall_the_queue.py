"""A maximum-size hostile e-mail does not hold up other sessions' tasks (issue 13).

The real queue worker (its own process, real Kafka and Redis) reads one partition. A mail
whose body is MAX_HTML_BODY_CHARS of broken markup is published, and right behind it on the
same partition, ordinary calls of other sessions. Those calls' tasks must be on the agent's
list within a second of how long an ordinary batch takes: with html.parser making the
preview, the worker's event loop was held for half a minute by that one body (its
heartbeats too), so the wait is bounded and the test ends soon after the second is up.
"""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import contracts as c
import pytest
from contracts.limits import MAX_HTML_BODY_CHARS
from mysessions.events_out import event_sender
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.linear_time import repeated_to
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker_process import WorkerProcess
from queue_service.adapters.store import TaskStore
from queue_service.entrypoints.app import make_store
from queue_service.view import agent_view
from redis.asyncio import Redis

from .pipeline import make_pipeline
from .scenario import AGENT, TENANT, Session

pytestmark = pytest.mark.integration

ALLOWED_DELAY_S = 1.0


def _call(session_id: str, t0: datetime) -> Session:
    return (
        Session(session_id, t0).inbound("support", 1).task(c.TaskOffered, 1, service_id="support")
    )


def _hostile_mail(t0: datetime) -> Session:
    return (
        Session("hostile-mail", t0)
        .inbound("support", 1, modality="email")
        .add(
            c.EmailReceived,
            1,
            sender=c.Party(address="mallory@example.com", address_kind="email"),
            subject="hello",
            html_body=repeated_to("<a", MAX_HTML_BODY_CHARS),  # html.parser: ~35 s
            received_at=t0,
        )
        .task(c.TaskOffered, 2, service_id="support")
    )


async def _seconds_until_listed(
    store: TaskStore, sessions: list[Session], timeout_s: float, published: float
) -> float:
    wanted = {session.session_id for session in sessions}

    async def listed() -> bool:
        tasks = await agent_view(store, TENANT, AGENT, datetime.now(UTC))
        return wanted <= {task["session_id"] for task in tasks}

    await wait_for(listed, timeout_s=timeout_s, what="the other sessions' tasks")
    return time.monotonic() - published


@pytest.mark.serial
async def test_a_maximum_size_hostile_mail_delays_other_sessions_by_under_a_second(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys, tmp_path: Path
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    one_partition = await kafka_topics.create("sessions-1")  # so the mail is read first
    env = {**pipeline.worker_env(servers), "QUEUE_SOURCE_TOPIC": one_partition}
    worker = WorkerProcess("queue_service", env, tmp_path / "queue.log")
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, pipeline.queue)
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    try:
        await worker.start()
        async with event_sender(servers.kafka_bootstrap_servers, one_partition) as sender:
            # Once the worker has joined its group: how long an ordinary batch takes.
            for batch in ("joined", "ordinary"):
                calls = [_call(f"{batch}-{n}", t0) for n in range(3)]
                published = time.monotonic()
                await sender.send_all(e for s in calls for e in s.events)
                ordinary_s = await _seconds_until_listed(store, calls, 60.0, published)

            others = [_call(f"other-{n}", t0) for n in range(3)]
            published = time.monotonic()
            await sender.send_all(e for s in [_hostile_mail(t0), *others] for e in s.events)
            bound_s = ordinary_s + ALLOWED_DELAY_S
            try:
                behind_mail_s = await _seconds_until_listed(store, others, bound_s + 2, published)
            except TimeoutError:
                await worker.kill()  # its loop is held: a polite stop would wait for it
                pytest.fail(f"other sessions not listed {bound_s + 2:.1f} s after the mail")
            assert behind_mail_s <= bound_s, f"{behind_mail_s:.2f} s, alone {ordinary_s:.2f} s"
            await _seconds_until_listed(store, [_hostile_mail(t0)], 30.0, published)
    finally:
        await worker.stop()
        await redis.aclose()
