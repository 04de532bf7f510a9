"""The context worker: one FastStream app, consumer group ``context`` on the session events,
at-least-once (``subscribe_batches`` + ``BatchDelivery``), plus the purge loop where the
database refuses TTL indexes."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

import httpx
import structlog
from contracts import topics
from faststream import FastStream
from mysessions_platform.clock import utc_now
from mysessions_platform.failures import describe
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.subscription import subscribe_batches
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.mongo import connect, mongo_database
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from redis.asyncio import Redis

from context_service.adapters.live_store import LiveContextStore
from context_service.adapters.stored_context import StoredContextStore
from context_service.caller_resolver import (
    CallerResolver,
    ensure_caller_indexes,
    make_caller_resolver,
)
from context_service.domain import AddressKind, Caller
from context_service.settings import ContextSettings
from context_service.step import ContextStep
from context_service.transcripts import make_transcripts

__all__ = ["ContextApp", "create_app"]

log = structlog.get_logger(__name__)


class TenantCrmTemplates:
    """The CRM port reads a tenant's URL template and deadline synchronously; this keeps the
    last ones read from the settings cache, refreshed before each lookup."""

    def __init__(self, settings: SettingsCache) -> None:
        self._settings = settings
        self._templates: dict[str, str | None] = {}
        self._timeouts: dict[str, float] = {}

    async def refresh(self, tenant_id: str) -> None:
        tenant = await self._settings.tenant(tenant_id)
        self._templates[tenant_id] = tenant.crm_url_template
        self._timeouts[tenant_id] = tenant.crm_timeout_s

    def __call__(self, tenant_id: str) -> str | None:
        return self._templates.get(tenant_id)

    def timeout(self, tenant_id: str) -> float | None:
        return self._timeouts.get(tenant_id)


class SettingsCallers:
    def __init__(self, resolver: CallerResolver, templates: TenantCrmTemplates) -> None:
        self._resolver = resolver
        self._templates = templates

    async def resolve(self, tenant: str, address: str, kind: AddressKind) -> Caller:
        await self._templates.refresh(tenant)
        return await self._resolver.resolve(tenant, address, kind)


class ContextApp(FastStream):
    step: ContextStep | None = None


async def purge_loop(
    purges: Sequence[Callable[[datetime], Awaitable[int]]], interval_s: float
) -> None:
    """Deletes expired records every ``interval_s`` where the server has no TTL index
    (reads filter them out meanwhile)."""
    while True:
        for purge in purges:
            try:
                purged = await purge(datetime.now(UTC))
                if purged:
                    log.info("expired records purged", records=purged)
            except Exception as error:  # a failed purge is retried next round; reads stay safe
                log.warning("purge failed", error=describe(error))
        await asyncio.sleep(interval_s)


def create_app(settings: ContextSettings) -> ContextApp:
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="context")
    publisher = BrokerPublisher(broker)
    redis = Redis.from_url(settings.redis_url)  # connects lazily, on first command
    mongo = connect(settings.mongodb_url)  # connects lazily too
    database = mongo_database(mongo)
    http = httpx.AsyncClient()
    cache = SettingsCache(
        ServiceSettingsStore(database), TenantSettingsStore(database), settings.settings_refresh_s
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
        clock=utc_now,
        caller_deadline_s=settings.caller_deadline_s,
    )
    delivery = BatchDelivery(
        consumer_group=settings.group_id,
        dead_letters=publisher,
        dead_letter_topic=settings.dead_letter_topic,
    )
    subscribe_batches(broker, settings.source_topic, delivery, step, settings.max_batch)

    app = ContextApp(broker, logger=None)
    app.step = step
    purger: asyncio.Task[None] | None = None

    @app.on_startup
    async def prepare() -> None:
        nonlocal purger
        specs = TopicSettings.from_env()
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            [
                specs.spec(topics.SESSION_EVENTS, settings.partitions, settings.source_topic),
                specs.spec(topics.DEAD_LETTERS, settings.partitions, settings.dead_letter_topic),
            ],
        )
        await redis.ping()
        await ensure_caller_indexes(database)
        purges = []
        if not await stored.ensure_indexes():
            purges.append(stored.purge)
        if not await transcripts.store.ensure_indexes():
            purges.append(transcripts.store.purge_expired)
        if purges:
            purger = asyncio.create_task(purge_loop(purges, settings.purge_interval_s))
        log.info(
            "context started",
            group=settings.group_id,
            topic=settings.source_topic,
            expiry="ttl index" if stored.ttl_index else "purge loop",
        )

    @app.on_shutdown
    async def stop_purge() -> None:
        if purger is not None:
            purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purger

    @app.after_shutdown
    async def close_clients() -> None:
        await http.aclose()
        await redis.aclose()
        await mongo.close()

    return app
