"""The queue worker: one FastStream app, its own consumer group, at-least-once, plus the
watchdog loop."""

import asyncio
import contextlib

import structlog
from contracts import topics
from faststream import FastStream
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.retry import is_transient
from mysessions_platform.kafka.subscription import subscribe_batches
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from redis.asyncio import Redis

from queue_service.adapters.store import TaskStore
from queue_service.domain import HistoryPolicy
from queue_service.settings import QueueSettings
from queue_service.step import QueueStep, utc_now
from queue_service.watchdog import Watchdog

log = structlog.get_logger(__name__)


def make_store(redis: Redis, settings: QueueSettings) -> TaskStore:
    return TaskStore(
        redis,
        settings.key_prefix,
        HistoryPolicy(window=settings.history_window, max_entries=settings.history_max_entries),
        settings.session_facts_ttl,
    )


def create_app(settings: QueueSettings) -> FastStream:
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="queue")
    publisher = BrokerPublisher(broker)
    redis = Redis.from_url(settings.redis_url)  # connects lazily, on first command
    store = make_store(redis, settings)
    step = QueueStep(store, clock=utc_now)
    delivery = BatchDelivery(
        consumer_group=settings.group_id,
        dead_letters=publisher,
        dead_letter_topic=settings.dead_letter_topic,
    )
    watchdog = Watchdog(store, publisher, settings.source_topic, settings.idle_after, utc_now)

    subscribe_batches(broker, settings.source_topic, delivery, step, settings.max_batch)

    app = FastStream(broker, logger=None)
    sweeper: asyncio.Task[None] | None = None

    async def sweep_forever() -> None:
        while True:
            await asyncio.sleep(settings.watchdog_interval_s)
            try:
                await watchdog.sweep()
            except Exception as error:
                if not is_transient(error):
                    raise
                log.warning("watchdog sweep failed, will retry", error=type(error).__name__)

    @app.on_startup
    async def prepare() -> None:
        specs = TopicSettings.from_env()
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            [
                specs.spec(topics.SESSION_EVENTS, settings.partitions, settings.source_topic),
                specs.spec(topics.DEAD_LETTERS, settings.partitions, settings.dead_letter_topic),
            ],
        )
        await redis.ping()

    @app.after_startup
    async def start_watchdog() -> None:
        nonlocal sweeper
        sweeper = asyncio.create_task(sweep_forever())
        log.info("queue started", group=settings.group_id, topic=settings.source_topic)

    @app.on_shutdown
    async def stop_watchdog() -> None:
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper

    @app.after_shutdown
    async def close_redis() -> None:
        await redis.aclose()

    return app
