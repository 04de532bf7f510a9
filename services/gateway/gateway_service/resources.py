"""What the gateway holds open while it runs: one Redis, one MongoDB, one Kafka producer,
and the ports built on them (``gateway_service.ports``). Opened in the app's lifespan,
never at import: the composition root of the real adapters."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from acw.service import AcwPorts
from acw.store import AcwSaves
from acw.tags import TagCounts
from acw.wiring import ProducerPublisher
from aiokafka import AIOKafkaProducer
from context_service.read import ContextReader
from contracts import topics
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.mongo import Document, mongo_client, mongo_database
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import (
    TenantCatalogs,
    code_set_store,
    context_store,
)
from mysessions_platform.service_settings.resolved_history import ResolvedHistory
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from pymongo.asynchronous.database import AsyncDatabase
from queue_service.read import QueueReader, QueueTaskReader
from redis.asyncio import Redis
from reporting_service.read import HistoryListing
from webhooks_service.registry import registry_of
from webhooks_service.settings import WebhooksSettings

from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.auth.tokens import JwksVerifier, KeyVerifier, TokenVerifier
from gateway_service.connector.key_store import MongoKeys
from gateway_service.connector.ports import ConnectorPorts
from gateway_service.email.drafts import EmailDrafts
from gateway_service.email.ports import EmailPorts
from gateway_service.email.replies import EmailReplies
from gateway_service.live.resources import open_live
from gateway_service.ports import CatalogPorts, Ports
from gateway_service.request_counts import RedisRequestCounter
from gateway_service.settings import GatewaySettings
from gateway_service.tenant.adapters import open_tenant_ports
from gateway_service.unprovisioning import Stores, StoresEraser

REQUEST_CONNECTIONS = 128
"""Redis connections the requests share (the live streams have their own client): a
command takes one for well under a millisecond, so a burst waits briefly, in turn."""


@dataclass(frozen=True)
class Resources(Ports):
    """The ports on real adapters, and the clients they share (``/readyz`` pings Redis;
    integration tests read and seed through them)."""

    redis: Redis
    database: AsyncDatabase[Document]
    producer: AIOKafkaProducer


def verifier_for(settings: GatewaySettings, demo: DemoSigner | None) -> TokenVerifier:
    if demo is not None:
        return KeyVerifier(settings, demo.public_key)
    return JwksVerifier(settings)


@asynccontextmanager
async def open_resources(
    settings: GatewaySettings, demo: DemoSigner | None = None
) -> AsyncIterator[Resources]:
    """``demo``: the signer of demo mode (a fresh one when None and the mode is demo)."""
    if settings.mode == "demo" and demo is None:
        demo = DemoSigner.generate(settings)
    redis = settings.redis_client(
        socket_timeout=settings.redis_timeout_s,
        socket_connect_timeout=settings.redis_timeout_s,
        # Every request counts itself in Redis: a burst of page loads (a shift starting)
        # queues for a connection instead of getting 503s past the pool's 100.
        max_connections=REQUEST_CONNECTIONS,
        wait_for_connection_s=settings.redis_timeout_s,
    )
    live = open_live(settings)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_idempotence=True, acks="all"
    )
    try:
        async with AsyncExitStack() as stack, mongo_client(settings.mongodb_url) as client:
            database = mongo_database(client)
            saves, tags = AcwSaves(database), TagCounts(database)
            await saves.ensure_indexes()
            await tags.ensure_indexes()
            drafts, replies = EmailDrafts(database), EmailReplies(database)
            await drafts.ensure_indexes()
            await replies.ensure_indexes()
            specs = TopicSettings.from_env()
            email_spec = specs.spec(topics.EMAIL_REPLIES, 3, settings.email_topic)
            await ensure_topics(settings.kafka_bootstrap_servers, [email_spec])
            await producer.start()
            service_settings = ServiceSettingsStore(database)
            await service_settings.ensure_indexes()  # owners write settings here too
            catalogs = CatalogPorts(code_set_store(database), context_store(database))
            await catalogs.ensure_indexes()  # admins write catalogs here
            settings_cache = SettingsCache(
                service_settings, TenantSettingsStore(database), catalogs=TenantCatalogs(database)
            )
            context = ContextReader(redis, database, settings_cache, settings.queue_key_prefix)
            await context.ensure_indexes()
            keys = MongoKeys(database)
            await keys.ensure_indexes()
            history = HistoryListing(database)
            await history.ensure_indexes()
            tenant = await stack.enter_async_context(open_tenant_ports(database))
            yield Resources(
                settings=settings,
                redis=redis,
                database=database,
                producer=producer,
                requests=RedisRequestCounter(redis),
                unprovision=StoresEraser(
                    Stores(
                        redis,
                        database,
                        producer,
                        settings.queue_key_prefix,
                        settings.changelog_topic,
                    )
                ),
                queue=QueueReader(redis, settings.queue_key_prefix),
                context=context,
                history=history,
                service_settings=service_settings,
                catalogs=catalogs,
                acw=AcwPorts(
                    tasks=QueueTaskReader(redis, settings.queue_key_prefix),
                    settings=ResolvedHistory(service_settings, TenantCatalogs(database)),
                    saves=saves,
                    tags=tags,
                    publisher=ProducerPublisher(producer),
                    topic=settings.acw_topic,
                ),
                saves=saves,
                tags=tags,
                email=EmailPorts(
                    mail=context.live_mail,
                    drafts=drafts,
                    replies=replies,
                    settings=service_settings,
                    publisher=ProducerPublisher(producer),
                    topic=settings.email_topic,
                ),
                verifier=verifier_for(settings, demo if settings.mode == "demo" else None),
                demo=demo if settings.mode == "demo" else None,
                live=live,
                tenant=tenant,
                webhooks=registry_of(
                    redis,
                    database,
                    WebhooksSettings().model_copy(update={"key_prefix": settings.queue_key_prefix}),
                ),
                connector=ConnectorPorts(
                    keys=keys,
                    sessions=context,
                    publisher=ProducerPublisher(producer),
                    topic=settings.connector_topic,
                ),
            )
    finally:
        await producer.stop()
        await live.redis.aclose()
        await redis.aclose()
