"""The reporting worker, declared: the queue's task changelog, the session events and saved
after-call work in (one group), plus the sweep that writes final sessions' records and the
after-call-work outbox (the worker shell runs it: ``mysessions_platform.worker``)."""

from acw.service import AcwPorts, outbox
from acw.store import AcwSaves
from acw.tags import TagCounts
from contracts import topics
from mysessions_platform.clock import Clock, utc_now
from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.kafka.topics import TopicSettings
from mysessions_platform.mongo import Document, connect, mongo_database
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.resolved_history import ResolvedHistory
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.worker.loops import Every
from mysessions_platform.worker.shell import Client, Subscription, WorkerApp, WorkerShell
from pymongo import AsyncMongoClient
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


def create_app(
    settings: ReportingSettings,
    mongo: AsyncMongoClient[Document] | None = None,
    redis: Redis | None = None,
    clock: Clock = utc_now,
) -> WorkerApp:
    """``mongo``, ``redis`` (the queue's, for after-call work), ``clock``: the caller's (a
    test's); by default from the settings."""
    shell = WorkerShell("reporting", settings)
    mongo = mongo or connect(settings.mongodb_url)  # connects lazily, on first command
    redis = redis or settings.redis_client()  # connects lazily, on first command
    database = mongo_database(mongo)
    lookup = IdLookup()  # how to read by id: detected once, at start (ensure_indexes)
    facts, records = FactsStore(database, lookup), RecordsStore(database, lookup)
    inputs = (settings.changelog_topic, settings.events_topic, settings.acw_topic)
    step = ReportingStep(facts, *inputs, settings.settle, clock=clock)
    saves, tags = AcwSaves(database), TagCounts(database)
    acw = AcwPorts(
        tasks=QueueTaskReader(redis, settings.queue_key_prefix),
        settings=ResolvedHistory(ServiceSettingsStore(database), TenantCatalogs(database)),
        saves=saves,
        tags=tags,
        publisher=shell.publisher,
        topic=settings.acw_topic,
        clock=clock,
    )
    cache = SettingsCache(
        ServiceSettingsStore(database),
        TenantSettingsStore(database),
        settings.settings_refresh_s,
        catalogs=TenantCatalogs(database),
    )
    finalizer = Finalizer(
        facts,
        records,
        cache,
        AcwConclusion(acw, saves, LocalConclusion(facts)),
        shell.publisher,
        settings.target_topic,
        clock,
        FinalityRule(settings.settle, settings.queue_lag_limit),
        batch=settings.sweep_batch,
        late_window=settings.late_window,
    )
    lease = MongoLease(database, "reporting-sweep", settings.lease_ttl, clock)
    backlog = Backlog(settings.kafka_bootstrap_servers, settings.group_id, inputs, clock)
    sweep = SweepLoop(
        GatedSweep(finalizer, backlog),
        lease,
        settings.sweep_interval_s,
        what="reporting sweep",
        max_backoff_s=120.0,
    )
    # Saves whose acw.submitted was never confirmed (a saver crashed after its insert).
    republish = outbox(acw, settings.outbox_interval_s)
    _figures(shell, finalizer, republish)
    specs, partitions = TopicSettings.from_env(), settings.partitions
    return shell.app(
        owns=[
            specs.spec(topics.TASK_CHANGELOG, partitions, settings.changelog_topic),
            specs.spec(topics.SESSION_EVENTS, partitions, settings.events_topic),
            specs.spec(topics.AFTER_CALL_WORK, partitions, settings.acw_topic),
            specs.spec(topics.REPORTING_SESSIONS, partitions, settings.target_topic),
            specs.spec(topics.DEAD_LETTERS, partitions, settings.dead_letter_topic),
        ],
        subscriptions=[Subscription((topic,), step) for topic in inputs],
        # The outbox publishes again the after-call work Kafka did not confirm.
        publishes=[settings.target_topic, settings.acw_topic],
        clients=[
            Client("mongodb", mongo.close),
            Client("redis", redis.aclose),
            Client("kafka backlog", backlog.close),
        ],
        loops=[sweep, republish],
        prepare=[
            facts.ensure_indexes,
            records.ensure_indexes,
            saves.ensure_indexes,
            tags.ensure_indexes,
            backlog.start,
        ],
        after_loops=[lease.release],
    )


def _figures(shell: WorkerShell, finalizer: Finalizer, republish: Every) -> None:
    counts, counted = finalizer.counts, shell.metrics.counted
    counted("mysessions_reporting_records_written", "Records written.", lambda: counts.records)
    counted(
        "mysessions_reporting_records_published",
        "Records published on the records topic.",
        lambda: counts.published,
    )
    counted(
        "mysessions_reporting_late_facts",
        "Facts that came after their session's records were written (counted, not applied).",
        lambda: counts.late + counts.late_while_writing,
    )
    counted(
        "mysessions_reporting_concluded_by_system",
        "Sessions whose after-call window closed unsaved (system-timeout).",
        lambda: counts.concluded_by_system,
    )
    counted(
        "mysessions_acw_republished",
        "After-call-work saves the outbox published again (their first send unconfirmed).",
        lambda: republish.done,
    )
