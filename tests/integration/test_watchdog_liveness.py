"""The watchdog on real Kafka and Redis never closes live work, sweeps once however many
workers run, and is not blocked by index entries whose facts expired (issue 6, defect 4)."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import contracts as c
import pytest
from aiokafka import ConsumerRecord
from faststream import TestApp
from mysessions.events_out import event_sender
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.fakes import RecordingPublisher
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.records import consumer_record
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters import keys
from queue_service.adapters.lease import Lease
from queue_service.adapters.store import IdleEntry, SessionKey, TaskStore
from queue_service.adapters.translate import to_fact
from queue_service.entrypoints.app import create_app, make_store
from queue_service.settings import QueueSettings
from queue_service.step import QueueStep
from queue_service.view import agent_view
from queue_service.watchdog import SweepLoop, Watchdog
from redis.asyncio import Redis

from .pipeline import make_pipeline
from .test_watchdog import SenderPublisher, offered_and_silent

pytestmark = pytest.mark.integration

TENANT, AGENT = "tenant-w", "agent-w"


def expiries(recorder: RecordingPublisher) -> list[c.SessionExpired]:
    """What the watchdog would have written, on any topic: expiries only."""
    events = [
        c.decode_session_event(value) for sent in recorder.published.values() for _, value in sent
    ]
    assert all(isinstance(event, c.SessionExpired) for event in events)
    return [event for event in events if isinstance(event, c.SessionExpired)]


def chat_connected(session: str, t0: datetime) -> list[c.SessionEvent]:
    service_session = f"{session}:1"
    user_session = f"{service_session}:{AGENT}"
    return [
        c.SessionStarted(
            event_id=uuid4(),
            occurred_at=t0,
            tenant_id=TENANT,
            session_id=session,
            direction="inbound",
            modality="chat",
            service_id="chat",
            service_name="Chat",
            caller=c.Party(address="visitor@example.com", address_kind="email"),
        ),
        c.SessionQueued(
            event_id=uuid4(),
            occurred_at=t0,
            tenant_id=TENANT,
            session_id=session,
            service_session_id=service_session,
            service_id="chat",
            service_name="Chat",
        ),
        c.TaskOffered(
            event_id=uuid4(),
            occurred_at=t0 + timedelta(seconds=1),
            tenant_id=TENANT,
            session_id=session,
            service_session_id=service_session,
            user_session_id=user_session,
            user_id=AGENT,
            service_id="chat",
        ),
        c.TaskAccepted(
            event_id=uuid4(),
            occurred_at=t0 + timedelta(seconds=2),
            tenant_id=TENANT,
            session_id=session,
            service_session_id=service_session,
            user_session_id=user_session,
            user_id=AGENT,
        ),
    ]


def hourly_activity(session: str, t0: datetime, hour: int) -> c.SessionEvent:
    """A caption or a parameter update: no task changes, the chat is being worked."""
    at = t0 + timedelta(hours=hour)
    if hour % 2:
        return c.TranscriptSegment(
            event_id=uuid4(),
            occurred_at=at,
            tenant_id=TENANT,
            session_id=session,
            service_session_id=f"{session}:1",
            segment_id=f"seg-{hour}",
            speaker="agent",
            start_ms=hour * 3_600_000,
            end_ms=hour * 3_600_000 + 1_000,
            text="still on it",
            final=True,
        )
    return c.CustomParametersUpdated(
        event_id=uuid4(),
        occurred_at=at,
        tenant_id=TENANT,
        session_id=session,
        service_session_id=f"{session}-q1",
        parameters={"step": str(hour)},
    )


async def test_a_chat_worked_for_six_hours_with_only_captions_is_never_expired(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    """Chats get 90 minutes here, so only the hourly captions keep it open."""
    media_limit = timedelta(minutes=90)
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    settings = pipeline.queue.model_copy(update={"idle_after_media_s": media_limit.total_seconds()})
    session = "s-chat"
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=7)
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, settings)
    recorder = RecordingPublisher()
    now = t0

    def clock() -> datetime:
        return now

    watchdog = Watchdog(
        store, recorder, pipeline.sessions, settings.idle_after, clock,
        idle_after_media=settings.idle_after_media,
    )  # fmt: skip

    async def caught_up() -> bool:
        return await group_caught_up(
            servers.kafka_bootstrap_servers, settings.group_id, pipeline.sessions
        )

    try:
        async with (
            TestApp(create_app(settings)),
            event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender,
        ):
            await sender.send_all(chat_connected(session, t0))
            for hour in range(1, 7):
                await sender.send_all([hourly_activity(session, t0, hour)])
                await wait_for(caught_up, what="the queue to read the caption")
                now = t0 + timedelta(hours=hour, minutes=59)
                assert await watchdog.sweep() == 0, f"expired after {hour} h"
            (task,) = await agent_view(store, TENANT, AGENT, now)
            assert task["state"] == "connected"

            # Quiet from the last caption on: expired then, from that caption's time.
            last = t0 + timedelta(hours=6)
            now = last + media_limit
            assert await watchdog.sweep() == 1
            (expiry,) = expiries(recorder)
            assert expiry.idle_since == last
            assert expiry.occurred_at == last + media_limit
    finally:
        await redis.aclose()


async def test_a_quiet_chat_gets_the_media_limit_not_the_voice_limit(
    servers: Endpoints, redis_keys: RedisKeys
) -> None:
    settings = QueueSettings().model_copy(
        update={"redis_url": servers.redis_url, "key_prefix": redis_keys.prefix}
    )
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, settings)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=5)
    recorder = RecordingPublisher()
    now = datetime.now(UTC)
    watchdog = Watchdog(
        store, recorder, "sessions", settings.idle_after, lambda: now,
        idle_after_media=settings.idle_after_media,
    )  # fmt: skip
    try:
        await fold(store, chat_connected("s-quiet-chat", t0))
        assert await watchdog.sweep() == 0, "5 h is past the voice limit only"
        now = t0 + timedelta(hours=72, seconds=2)
        assert await watchdog.sweep() == 1
        (expiry,) = expiries(recorder)
        assert expiry.idle_since == t0 + timedelta(seconds=2)
    finally:
        await redis.aclose()


async def test_a_silent_call_is_expired_once_by_two_workers(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    settings = pipeline.queue.model_copy(update={"idle_after_s": 1.0})
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, settings)
    lease_key = keys.watchdog_lease(settings.key_prefix)

    async def caught_up() -> bool:
        return await group_caught_up(
            servers.kafka_bootstrap_servers, settings.group_id, pipeline.sessions
        )

    try:
        async with (
            TestApp(create_app(settings)),
            event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender,
        ):
            await sender.send_all(offered_and_silent(t0))
            await wait_for(caught_up, what="the queue to fold the offer")
            workers = []
            for name in ("a", "b"):
                publisher = SenderPublisher(sender, pipeline.sessions)
                watchdog = Watchdog(
                    store,
                    publisher,
                    pipeline.sessions,
                    settings.idle_after,
                    lambda: datetime.now(UTC),
                )
                lease = Lease(redis, lease_key, timedelta(seconds=30), owner=f"worker-{name}")
                workers.append((SweepLoop(watchdog.sweep, lease, 1.0), publisher))

            for _ in range(3):  # both workers sweep, again and again
                for loop, _publisher in workers:
                    await loop.tick()
            assert sum(len(publisher.sent) for _, publisher in workers) == 1
            assert len(workers[0][1].sent) == 1, "the first to sweep took the lease"

            await wait_for(caught_up, what="the queue to fold the expiry")
            (task,) = await agent_view(store, TENANT, AGENT, datetime.now(UTC))
            assert task["outcome"] == "expired"
            for loop, _publisher in workers:
                await loop.tick()
            assert sum(len(publisher.sent) for _, publisher in workers) == 1
    finally:
        await redis.aclose()


async def fold(store: TaskStore, events: list[c.SessionEvent]) -> None:
    """Folds one session's events into the store, as the queue step would."""
    facts = [fact for event in events if (fact := to_fact(event)) is not None]
    await QueueStep(store).apply({SessionKey(facts[0].tenant_id, facts[0].session_id): facts})


async def test_stale_entries_are_forgotten_and_do_not_hide_an_idle_session(
    servers: Endpoints, redis_keys: RedisKeys
) -> None:
    settings = QueueSettings().model_copy(
        update={"redis_url": servers.redis_url, "key_prefix": redis_keys.prefix}
    )
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, settings)
    index = keys.idle_index(settings.key_prefix, "voice")
    try:
        # 600 sessions whose facts expired long ago, older than the idle session.
        stale = {keys.idle_member(TENANT, f"gone-{i}"): 1_000 + i for i in range(600)}
        await redis.zadd(index, stale)
        t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=5)
        await fold(store, offered_and_silent(t0))
        recorder = RecordingPublisher()
        watchdog = Watchdog(
            store, recorder, "sessions", settings.idle_after, lambda: datetime.now(UTC)
        )

        assert await watchdog.sweep() == 1
        assert watchdog.counts.forgotten == 600
        (expiry,) = expiries(recorder)
        assert expiry.session_id == "s-silent"
        assert await store.idle_sessions("voice", datetime.now(UTC), 1000) == [
            IdleEntry(SessionKey(TENANT, "s-silent"), t0 + timedelta(seconds=1))
        ], "the live session stays until its expiry is folded"
    finally:
        await redis.aclose()


async def test_the_index_moves_only_forward_and_only_for_sessions_in_it(
    servers: Endpoints, redis_keys: RedisKeys
) -> None:
    settings = QueueSettings().model_copy(
        update={"redis_url": servers.redis_url, "key_prefix": redis_keys.prefix}
    )
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, settings)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    live, unknown = SessionKey(TENANT, "s-silent"), SessionKey(TENANT, "never-seen")

    async def entries() -> list[IdleEntry]:
        return await store.idle_sessions("voice", datetime.now(UTC), 10)

    try:
        await fold(store, offered_and_silent(t0))
        later = t0 + timedelta(minutes=30)
        await store.touch({live: later, unknown: later})
        assert await entries() == [IdleEntry(live, later)]
        await store.touch({live: t0})  # an old caption delivered late
        assert await entries() == [IdleEntry(live, later)]
        # Refolding older facts does not move it back either.
        await fold(store, offered_and_silent(t0))
        assert await entries() == [IdleEntry(live, later)]
        # An entry that moved since the sweep read it is not forgotten.
        assert await store.forget_idle("voice", [IdleEntry(live, t0)]) == 0
        assert await store.forget_idle("voice", [IdleEntry(live, later)]) == 1
    finally:
        await redis.aclose()


def as_record(offset: int, event: c.SessionEvent) -> "ConsumerRecord[bytes, bytes]":
    value = c.encode(event)
    return consumer_record(value, offset=offset, topic="sessions")


async def test_one_batch_of_facts_and_captions_records_the_latest_activity(
    servers: Endpoints, redis_keys: RedisKeys
) -> None:
    """The caption is no fact, yet the session it keeps awake went live in the same batch."""
    settings = QueueSettings().model_copy(
        update={"redis_url": servers.redis_url, "key_prefix": redis_keys.prefix}
    )
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, settings)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    events = [*chat_connected("s-batch", t0), hourly_activity("s-batch", t0, 1)]
    other = hourly_activity("s-not-live", t0, 1)  # no live task: never enters the index
    try:
        step = QueueStep(store)
        assert await step([as_record(i, e) for i, e in enumerate([*events, other])]) == []
        assert await store.idle_sessions("media", datetime.now(UTC), 10) == [
            IdleEntry(SessionKey(TENANT, "s-batch"), t0 + timedelta(hours=1))
        ]
        assert await store.idle_sessions("voice", datetime.now(UTC), 10) == []
    finally:
        await redis.aclose()


async def test_a_worker_whose_sweeper_ended_stops_with_a_non_zero_exit_code(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    app = create_app(pipeline.queue)

    class Ended(SweepLoop):
        async def run(self) -> None:
            return None  # as if a bug let the loop return

    (sweeper,) = app.loops
    assert isinstance(sweeper, SweepLoop)
    app.loops = (Ended(sweeper.sweep, sweeper.lease, 1.0),)

    async def stopped() -> bool:
        return app.exit_code == 1

    async with TestApp(app):
        await wait_for(stopped, timeout_s=10, what="the worker to stop")
