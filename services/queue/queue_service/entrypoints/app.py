"""The queue worker: one FastStream app, its own consumer group, at-least-once, plus the
watchdog loop."""

import asyncio
import contextlib

import structlog
from contracts import topics
from faststream import FastStream
from mysessions_platform.clock import utc_now
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.subscription import subscribe_batches
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.mongo import Document, connect, mongo_database
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from pymongo import AsyncMongoClient
from redis.asyncio import Redis

from queue_service.adapters import keys
from queue_service.adapters.changelog import TaskChangelog
from queue_service.adapters.codes_and_tags import CachedCodesAndTags
from queue_service.adapters.lease import Lease
from queue_service.adapters.store import TaskStore
from queue_service.domain import HistoryPolicy
from queue_service.settings import QueueSettings
from queue_service.step import QueueStep
from queue_service.watchdog import SweepLoop, Watchdog, stop_if_ended

log = structlog.get_logger(__name__)


def make_store(redis: Redis, settings: QueueSettings) -> TaskStore:
    return TaskStore(
        redis,
        settings.key_prefix,
        HistoryPolicy(window=settings.history_window, max_entries=settings.history_max_entries),
        settings.session_facts_ttl,
        settings.live_events,
    )


class QueueApp(FastStream):
    """The worker's app; ``exit_code`` is non-zero when it stopped because its watchdog
    stopped, so ``__main__`` exits non-zero and a supervisor restarts the worker."""

    exit_code: int = 0
    sweep_loop: SweepLoop | None = None


def codes_and_tags(mongo: AsyncMongoClient[Document], refresh_s: float) -> CachedCodesAndTags:
    database = mongo_database(mongo)
    cache = SettingsCache(
        ServiceSettingsStore(database), TenantSettingsStore(database), refresh_s=refresh_s
    )
    return CachedCodesAndTags(cache)


def create_app(settings: QueueSettings) -> QueueApp:
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="queue")
    publisher = BrokerPublisher(broker)
    redis = Redis.from_url(settings.redis_url)  # connects lazily, on first command
    store = make_store(redis, settings)
    mongo = connect(settings.mongodb_url)  # connects lazily, on first command
    step = QueueStep(
        store,
        clock=utc_now,
        changelog=TaskChangelog(publisher, settings.changelog_topic),
        codes_and_tags=codes_and_tags(mongo, settings.settings_refresh_s),
        acw_topic=settings.acw_topic,
    )
    delivery = BatchDelivery(
        consumer_group=settings.group_id,
        dead_letters=publisher,
        dead_letter_topic=settings.dead_letter_topic,
    )
    watchdog = Watchdog(
        store,
        publisher,
        settings.source_topic,
        settings.idle_after,
        utc_now,
        idle_after_media=settings.idle_after_media,
    )
    lease = Lease(redis, keys.watchdog_lease(settings.key_prefix), settings.watchdog_lease_ttl)
    loop = SweepLoop(watchdog.sweep, lease, settings.watchdog_interval_s)

    # One subscription, one group for both topics: both are keyed by session id, and the
    # fold takes a session's facts as a set, so how the two interleave does not matter.
    subscribe_batches(
        broker,
        settings.source_topic,
        delivery,
        step,
        settings.max_batch,
        also=(settings.acw_topic,),
    )

    app = QueueApp(broker, logger=None)
    app.sweep_loop = loop
    sweeper: asyncio.Task[None] | None = None

    def stop_worker() -> None:
        app.exit_code = 1
        app.exit()

    @app.on_startup
    async def prepare() -> None:
        specs = TopicSettings.from_env()
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            [
                specs.spec(topics.SESSION_EVENTS, settings.partitions, settings.source_topic),
                specs.spec(topics.DEAD_LETTERS, settings.partitions, settings.dead_letter_topic),
                specs.spec(topics.TASK_CHANGELOG, settings.partitions, settings.changelog_topic),
                specs.spec(topics.AFTER_CALL_WORK, settings.partitions, settings.acw_topic),
            ],
        )
        await redis.ping()

    @app.after_startup
    async def start_watchdog() -> None:
        nonlocal sweeper
        sweeper = asyncio.create_task((app.sweep_loop or loop).run())
        sweeper.add_done_callback(lambda task: stop_if_ended(task, stop_worker))
        log.info("queue started", group=settings.group_id, topic=settings.source_topic)

    @app.on_shutdown
    async def stop_watchdog() -> None:
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        with contextlib.suppress(Exception):  # best effort: else it expires by itself
            await lease.release()

    @app.after_shutdown
    async def close_redis() -> None:
        await redis.aclose()
        await mongo.close()

    return app
