"""The queue worker, declared: session events and saved after-call work in, agents' tasks
out, plus the watchdog's sweep (the worker shell runs it: ``mysessions_platform.worker``)."""

from contracts import topics
from mysessions_platform.clock import Clock, utc_now
from mysessions_platform.kafka.topics import TopicSettings
from mysessions_platform.mongo import Document, connect, mongo_database
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.worker.shell import Client, Subscription, WorkerApp, WorkerShell
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
from queue_service.watchdog import SweepLoop, Watchdog


def make_store(redis: Redis, settings: QueueSettings) -> TaskStore:
    return TaskStore(
        redis,
        settings.key_prefix,
        HistoryPolicy(window=settings.history_window, max_entries=settings.history_max_entries),
        settings.session_facts_ttl,
        settings.live_events,
    )


def codes_and_tags(mongo: AsyncMongoClient[Document], refresh_s: float) -> CachedCodesAndTags:
    database = mongo_database(mongo)
    cache = SettingsCache(
        ServiceSettingsStore(database),
        TenantSettingsStore(database),
        refresh_s=refresh_s,
        catalogs=TenantCatalogs(database),
    )
    return CachedCodesAndTags(cache)


def create_app(
    settings: QueueSettings,
    redis: Redis | None = None,
    mongo: AsyncMongoClient[Document] | None = None,
    clock: Clock = utc_now,
) -> WorkerApp:
    """``redis``, ``mongo``, ``clock``: the caller's (a test's); by default from settings."""
    shell = WorkerShell("queue", settings)
    redis = redis or settings.redis_client()  # connects lazily, on first command
    mongo = mongo or connect(settings.mongodb_url)  # connects lazily, on first command
    store = make_store(redis, settings)
    step = QueueStep(
        store,
        clock=clock,
        changelog=TaskChangelog(shell.publisher, settings.changelog_topic),
        codes_and_tags=codes_and_tags(mongo, settings.settings_refresh_s),
        acw_topic=settings.acw_topic,
    )
    watchdog = Watchdog(
        store,
        shell.publisher,
        settings.source_topic,
        settings.idle_after,
        clock,
        idle_after_media=settings.idle_after_media,
    )
    lease = Lease(redis, keys.watchdog_lease(settings.key_prefix), settings.watchdog_lease_ttl)
    shell.metrics.counted(
        "mysessions_queue_tasks_written", "Tasks stored changed.", lambda: step.counts.tasks_written
    )
    shell.metrics.counted(
        "mysessions_queue_sessions_expired",
        "Sessions closed by the watchdog (session.expired written).",
        lambda: watchdog.counts.expired,
    )
    specs, partitions = TopicSettings.from_env(), settings.partitions
    return shell.app(
        owns=[
            specs.spec(topics.SESSION_EVENTS, partitions, settings.source_topic),
            specs.spec(topics.DEAD_LETTERS, partitions, settings.dead_letter_topic),
            specs.spec(topics.TASK_CHANGELOG, partitions, settings.changelog_topic),
            specs.spec(topics.AFTER_CALL_WORK, partitions, settings.acw_topic),
        ],
        # One subscription, one group for both topics: both are keyed by session id, and
        # the fold takes a session's facts as a set, so how they interleave does not matter.
        subscriptions=[Subscription((settings.source_topic, settings.acw_topic), step)],
        # The watchdog closes a silent session with a session.expired on the events topic.
        publishes=[settings.changelog_topic, settings.source_topic],
        clients=[Client("redis", redis.aclose, check=redis.ping), Client("mongodb", mongo.close)],
        loops=[SweepLoop(watchdog.sweep, lease, settings.watchdog_interval_s)],
        after_loops=[lease.release],
    )
