"""The reporting worker: one FastStream app, consumer group ``reporting`` on three topics
(the queue's task changelog, the session events, saved after-call work), at-least-once,
plus the sweep that writes final sessions' records."""

import asyncio
import contextlib
from datetime import UTC, datetime

import structlog
from acw.service import AcwPorts, run_outbox
from acw.store import AcwSaves
from acw.tags import TagCounts
from contracts import topics
from faststream import FastStream
from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.subscription import subscribe_batches
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.mongo import connect, mongo_database
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from queue_service.read import QueueTaskReader
from redis.asyncio import Redis

from reporting_service.adapters.backlog import Backlog
from reporting_service.adapters.conclusion import AcwConclusion, LocalConclusion
from reporting_service.adapters.facts_store import FactsStore
from reporting_service.adapters.lease import MongoLease
from reporting_service.adapters.records_store import RecordsStore
from reporting_service.domain import FinalityRule
from reporting_service.finalizer import Finalizer, GatedSweep, SweepLoop
from reporting_service.settings import ReportingSettings
from reporting_service.step import ReportingStep

log = structlog.get_logger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReportingApp(FastStream):
    exit_code: int = 0
    finalizer: Finalizer | None = None
    step: ReportingStep | None = None


def create_app(settings: ReportingSettings) -> ReportingApp:
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="reporting")
    publisher = BrokerPublisher(broker)
    client = connect(settings.mongodb_url)  # connects lazily, on first command
    database = mongo_database(client)
    lookup = IdLookup()  # how to read by id: detected once, at start (ensure_indexes)
    facts, records = FactsStore(database, lookup), RecordsStore(database, lookup)
    step = ReportingStep(
        facts,
        records,
        settings.changelog_topic,
        settings.events_topic,
        settings.acw_topic,
        settings.settle,
        clock=utc_now,
    )
    redis = Redis.from_url(settings.redis_url)  # connects lazily, on first command
    saves, tags = AcwSaves(database), TagCounts(database)
    acw = AcwPorts(
        tasks=QueueTaskReader(redis, settings.queue_key_prefix),
        settings=ServiceSettingsStore(database),
        saves=saves,
        tags=tags,
        publisher=publisher,
        topic=settings.acw_topic,
        clock=utc_now,
    )
    cache = SettingsCache(
        ServiceSettingsStore(database), TenantSettingsStore(database), settings.settings_refresh_s
    )
    finalizer = Finalizer(
        facts,
        records,
        cache,
        AcwConclusion(acw, saves, LocalConclusion(facts)),
        publisher,
        settings.target_topic,
        utc_now,
        FinalityRule(settings.settle, settings.queue_lag_limit),
        batch=settings.sweep_batch,
        late_window=settings.late_window,
    )
    lease = MongoLease(database, "reporting-sweep", settings.lease_ttl, utc_now)
    backlog = Backlog(
        settings.kafka_bootstrap_servers,
        settings.group_id,
        (settings.changelog_topic, settings.events_topic, settings.acw_topic),
        utc_now,
    )
    loop = SweepLoop(
        GatedSweep(finalizer, backlog),
        lease,
        settings.sweep_interval_s,
        what="reporting sweep",
        max_backoff_s=120.0,
    )
    delivery = BatchDelivery(
        consumer_group=settings.group_id,
        dead_letters=publisher,
        dead_letter_topic=settings.dead_letter_topic,
    )
    for topic in (settings.changelog_topic, settings.events_topic, settings.acw_topic):
        subscribe_batches(broker, topic, delivery, step, settings.max_batch)

    app = ReportingApp(broker, logger=None)
    app.finalizer, app.step = finalizer, step
    sweeper: asyncio.Task[None] | None = None
    outbox: asyncio.Task[None] | None = None

    def stop_worker(task: "asyncio.Task[None]") -> None:
        if task.cancelled():
            return
        log.critical("reporting sweep stopped; stopping the worker")
        app.exit_code = 1
        app.exit()

    @app.on_startup
    async def prepare() -> None:
        specs = TopicSettings.from_env()
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            [
                specs.spec(topics.TASK_CHANGELOG, settings.partitions, settings.changelog_topic),
                specs.spec(topics.SESSION_EVENTS, settings.partitions, settings.events_topic),
                specs.spec(topics.AFTER_CALL_WORK, settings.partitions, settings.acw_topic),
                specs.spec(topics.REPORTING_SESSIONS, settings.partitions, settings.target_topic),
                specs.spec(topics.DEAD_LETTERS, settings.partitions, settings.dead_letter_topic),
            ],
        )
        await facts.ensure_indexes()
        await records.ensure_indexes()
        await saves.ensure_indexes()
        await tags.ensure_indexes()
        await backlog.start()

    @app.after_startup
    async def start_sweeper() -> None:
        nonlocal sweeper, outbox
        sweeper = asyncio.create_task(loop.run())
        sweeper.add_done_callback(stop_worker)
        # Saves whose acw.submitted was never confirmed (a saver crashed after its insert).
        outbox = asyncio.create_task(run_outbox(acw, settings.outbox_interval_s))
        outbox.add_done_callback(stop_worker)
        log.info("reporting started", group=settings.group_id)

    @app.on_shutdown
    async def stop_sweeper() -> None:
        for task in (sweeper, outbox):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        with contextlib.suppress(Exception):
            await lease.release()

    @app.after_shutdown
    async def close_clients() -> None:
        await backlog.close()
        await client.close()
        await redis.aclose()

    return app
