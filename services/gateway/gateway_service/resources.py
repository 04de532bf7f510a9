"""What the gateway holds open while it runs: one Redis, one MongoDB, one Kafka producer,
and the stores and ports built on them. Opened in the app's lifespan, never at import."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from pymongo.asynchronous.database import AsyncDatabase
from queue_service.read import QueueReader, QueueTaskReader
from redis.asyncio import Redis

from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.auth.tokens import JwksVerifier, KeyVerifier, TokenVerifier
from gateway_service.email.drafts import EmailDrafts
from gateway_service.email.ports import EmailPorts
from gateway_service.email.replies import EmailReplies
from gateway_service.live.resources import LiveResources, open_live
from gateway_service.settings import GatewaySettings


@dataclass(frozen=True)
class Resources:
    settings: GatewaySettings
    redis: Redis
    database: AsyncDatabase[Document]
    producer: AIOKafkaProducer
    queue: QueueReader
    """The queue's read API: agents' tasks (the queue worker is their only writer)."""
    context: ContextReader
    """The context service's read API: panels, transcripts, stored callers and records,
    live mail (the context worker is their only writer)."""
    service_settings: ServiceSettingsStore
    acw: AcwPorts
    saves: AcwSaves
    """Saved after-call work, read for a task's detail (``acw`` writes through the same)."""
    tags: TagCounts
    email: EmailPorts
    """The live mail, drafts and sent replies of e-mail tasks (``gateway_service.email``)."""
    verifier: TokenVerifier
    demo: DemoSigner | None
    """Set in demo mode only: signs the demo sign-in page's tokens."""
    live: LiveResources
    """The live streams' own Redis client and their bound."""


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
    )
    live = open_live(settings)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, enable_idempotence=True, acks="all"
    )
    try:
        async with mongo_client(settings.mongodb_url) as client:
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
            settings_cache = SettingsCache(service_settings, TenantSettingsStore(database))
            context = ContextReader(redis, database, settings_cache, settings.queue_key_prefix)
            await context.ensure_indexes()
            yield Resources(
                settings=settings,
                redis=redis,
                database=database,
                producer=producer,
                queue=QueueReader(redis, settings.queue_key_prefix),
                context=context,
                service_settings=service_settings,
                acw=AcwPorts(
                    tasks=QueueTaskReader(redis, settings.queue_key_prefix),
                    settings=service_settings,
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
            )
    finally:
        await producer.stop()
        await live.redis.aclose()
        await redis.aclose()
