"""The context worker, declared: session events in, callers resolved, live context in
Redis, departures stored for the services that opted in, expired records purged where the
database has no TTL index (the worker shell runs it: ``mysessions_platform.worker``)."""

import httpx
from contracts import topics
from mysessions_platform.clock import Clock, utc_now
from mysessions_platform.kafka.topics import TopicSettings
from mysessions_platform.mongo import Document, connect, mongo_database
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.worker.loops import Every
from mysessions_platform.worker.shell import Client, Subscription, WorkerApp, WorkerShell
from pymongo import AsyncMongoClient
from redis.asyncio import Redis

from context_service.adapters.crm import crm_client
from context_service.adapters.live_store import LiveContextStore
from context_service.adapters.stored_context import StoredContextStore
from context_service.caller_resolver import ensure_caller_indexes, make_caller_resolver
from context_service.crm_templates import SettingsCallers, TenantCrmTemplates
from context_service.expiry_purge import ExpiryPurge
from context_service.settings import ContextSettings
from context_service.step import ContextStep
from context_service.transcripts import make_transcripts

__all__ = ["create_app"]


def create_app(
    settings: ContextSettings,
    redis: Redis | None = None,
    mongo: AsyncMongoClient[Document] | None = None,
    http: httpx.AsyncClient | None = None,
    clock: Clock = utc_now,
) -> WorkerApp:
    """``redis``, ``mongo``, ``http`` (the CRM's), ``clock``: the caller's (a test's); by
    default from the settings."""
    shell = WorkerShell("context", settings)
    redis = redis or settings.redis_client()  # connects lazily, on first command
    mongo = mongo or connect(settings.mongodb_url)  # connects lazily too
    http = http or crm_client()
    database = mongo_database(mongo)
    cache = SettingsCache(
        ServiceSettingsStore(database),
        TenantSettingsStore(database),
        settings.settings_refresh_s,
        catalogs=TenantCatalogs(database),
    )
    templates = TenantCrmTemplates(cache)
    resolver = make_caller_resolver(
        database, http, templates, region=settings.region, crm_timeout=templates.timeout
    )
    stored = StoredContextStore(database)
    transcripts = make_transcripts(redis, database, cache, settings.key_prefix)
    step = ContextStep(
        live=LiveContextStore(
            redis, settings.key_prefix, settings.live_ttl, settings.ended_marker_ttl
        ),
        stored=stored,
        settings=cache,
        callers=SettingsCallers(resolver, templates),
        transcripts=transcripts.handler,
        clock=clock,
        caller_deadline_s=settings.caller_deadline_s,
    )
    purges = {
        "stored context purge": ExpiryPurge(stored.ensure_indexes, stored.purge, clock),
        "transcript purge": ExpiryPurge(
            transcripts.store.ensure_indexes, transcripts.store.purge_expired, clock
        ),
    }
    loops = [Every(purge, settings.purge_interval_s, what) for what, purge in purges.items()]
    shell.metrics.counted(
        "mysessions_context_records_stored",
        "Context records stored for the services that opted in.",
        lambda: step.counts.stored,
    )
    shell.metrics.counted(
        "mysessions_context_records_purged",
        "Expired records deleted by the purge (where the database has no TTL index).",
        lambda: sum(loop.done for loop in loops),
    )
    specs, partitions = TopicSettings.from_env(), settings.partitions
    return shell.app(
        owns=[
            specs.spec(topics.SESSION_EVENTS, partitions, settings.source_topic),
            specs.spec(topics.DEAD_LETTERS, partitions, settings.dead_letter_topic),
        ],
        subscriptions=[Subscription((settings.source_topic,), step)],
        clients=[
            Client("redis", redis.aclose, check=redis.ping),
            Client("mongodb", mongo.close),
            Client("http", http.aclose),
        ],
        loops=loops,
        prepare=[lambda: ensure_caller_indexes(database), *(p.prepare for p in purges.values())],
    )
