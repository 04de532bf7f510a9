"""The queue's watchdog on real Kafka and Redis: a silent session's offer is closed by a
``session.expired`` event in the log, and a second sweep that saw the same silence writes
the same event id, which the fact log absorbs."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import contracts as c
import pytest
from faststream import TestApp
from mysessions.events_out import EventSender, event_sender
from mysessions_platform.clock import utc_now
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up, read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters.store import SessionKey
from queue_service.adapters.translate import to_fact
from queue_service.domain import Fact, expiry_event_id
from queue_service.entrypoints.app import create_app, make_store
from queue_service.step import QueueStep
from queue_service.view import agent_view
from queue_service.watchdog import Watchdog
from redis.asyncio import Redis

from .pipeline import make_pipeline

pytestmark = pytest.mark.integration

IDLE_AFTER = timedelta(seconds=1)
TENANT, SESSION, AGENT = "tenant-w", "s-silent", "agent-w"


def offered_and_silent(t0: datetime) -> list[c.SessionEvent]:
    """A call queued at ``t0`` and offered to the agent a second later; then nothing."""
    return [
        c.SessionStarted(
            event_id=uuid4(),
            occurred_at=t0,
            tenant_id=TENANT,
            session_id=SESSION,
            direction="inbound",
            modality="voice",
            service_id="support",
            service_name="Support",
            caller=c.Party(address="+15550100001", address_kind="pstn"),
        ),
        c.SessionQueued(
            event_id=uuid4(),
            occurred_at=t0,
            tenant_id=TENANT,
            session_id=SESSION,
            service_session_id=f"{SESSION}:1",
            service_id="support",
            service_name="Support",
            priority=1,
        ),
        c.TaskOffered(
            event_id=uuid4(),
            occurred_at=t0 + timedelta(seconds=1),
            tenant_id=TENANT,
            session_id=SESSION,
            service_session_id=f"{SESSION}:1",
            user_session_id=f"{SESSION}:1:{AGENT}",
            user_id=AGENT,
            service_id="support",
        ),
    ]


class SenderPublisher:
    """The watchdog's ``Publisher`` over a test's event sender; keeps what it sent."""

    def __init__(self, sender: EventSender, topic: str) -> None:
        self._sender = sender
        self._topic = topic
        self.sent: list[bytes] = []

    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        assert topic == self._topic
        for key, value in messages:
            await self._sender.send_raw(key, value)
            self.sent.append(value)


async def expiries_in(servers: Endpoints, topic: str) -> list[c.SessionExpired]:
    # Three upstream events and at least one expiry are on the topic by now.
    records = await read_records(servers.kafka_bootstrap_servers, topic, 4)
    events = [c.decode_session_event(r.value) for r in records]
    return [e for e in events if isinstance(e, c.SessionExpired)]


async def test_a_silent_offer_is_expired_by_an_event_in_the_log(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    settings = pipeline.queue.model_copy(
        update={"idle_after_s": IDLE_AFTER.total_seconds(), "watchdog_interval_s": 0.5}
    )
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
    events = offered_and_silent(t0)
    last = events[-1]
    async with event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender:
        await sender.send_all(events)

    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, settings)

    async def caught_up() -> bool:
        return await group_caught_up(
            servers.kafka_bootstrap_servers, settings.group_id, pipeline.sessions
        )

    async def expired() -> bool:
        tasks = await agent_view(store, TENANT, AGENT, datetime.now(UTC))
        return len(tasks) == 1 and tasks[0]["state"] == "ended"

    try:
        async with TestApp(create_app(settings)):
            await wait_for(expired, timeout_s=30, what="the watchdog to expire the offer")
            (task,) = await agent_view(store, TENANT, AGENT, datetime.now(UTC))
            assert task["session_id"] == SESSION
            assert task["outcome"] == "expired"
            assert task["end_reason"] == "expired"
            assert task["inferred"] is True

            expected_id = UUID(expiry_event_id(TENANT, SESSION, str(last.event_id)))
            # Every sweep that saw this silence writes this one id (two may race the fold).
            written = await expiries_in(servers, pipeline.sessions)
            expiry = next(e for e in written if e.idle_since == last.occurred_at)
            assert {e.event_id for e in written if e.idle_since == last.occurred_at} == {
                expected_id
            }
            assert (expiry.tenant_id, expiry.session_id) == (TENANT, SESSION)
            assert expiry.idle_since == last.occurred_at
            # The moment the rule was met, not when the sweep ran: replicas agree on it.
            assert expiry.occurred_at == last.occurred_at + IDLE_AFTER

            await wait_for(caught_up, what="the queue to commit the expiry")
            facts_before = await store.session_facts(SessionKey(TENANT, SESSION))
            (task_before,) = await store.read_agent(TENANT, AGENT, history_limit=10)

            # A replica that folded the same events, not the expiry yet, sweeps as well.
            replica = make_store(
                redis, settings.model_copy(update={"key_prefix": redis_keys.key("replica")})
            )
            facts: list[Fact] = [f for e in events if (f := to_fact(e)) is not None]
            await QueueStep(replica).apply({SessionKey(TENANT, SESSION): facts})
            async with event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as out:
                publisher = SenderPublisher(out, pipeline.sessions)
                watchdog = Watchdog(replica, publisher, pipeline.sessions, IDLE_AFTER, utc_now)
                swept = await watchdog.sweep()
            assert swept == 1
            (repeated,) = (c.decode_session_event(raw) for raw in publisher.sent)
            assert repeated == expiry, "the same event id, and the same event"

            await wait_for(caught_up, what="the queue to fold the repeated expiry")

        # Absorbed by id: no new fact, the task is not rewritten, nothing left to sweep.
        facts_after = await store.session_facts(SessionKey(TENANT, SESSION))
        assert sorted(f.event_id for f in facts_after) == sorted(f.event_id for f in facts_before)
        assert str(expected_id) in {f.event_id for f in facts_after}
        assert await store.read_agent(TENANT, AGENT, history_limit=10) == [task_before]
        assert task_before.rev == len(facts_before)
        assert await store.idle_sessions("voice", datetime.now(UTC), 10) == []
    finally:
        await redis.aclose()
