"""What the gateway holds open while it runs: one Redis, one MongoDB, one Kafka producer,
and the stores and ports built on them. Opened in the app's lifespan, never at import."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from aiokafka import AIOKafkaProducer
from context_service.adapters.live_mail import LiveMail
from context_service.adapters.live_store import LiveContextStore
from context_service.adapters.stored_context import StoredContextStore
from context_service.adapters.stored_listing import StoredContextListing
from context_service.transcripts import TranscriptReader, make_transcripts
from contracts import topics
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.mongo import Document, mongo_client, mongo_database
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from pymongo.asynchronous.database import AsyncDatabase
from queue_service.adapters.store import TaskStore
from queue_service.domain import HistoryPolicy
from redis.asyncio import Redis
from reporting_service.acw.service import AcwPorts
from reporting_service.acw.store import AcwSaves
from reporting_service.acw.task_reader import QueueTaskReader
from reporting_service.acw.wiring import ProducerPublisher
from reporting_service.tags.store import TagCounts

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
    tasks: TaskStore
    """The queue's store: read-only here (the queue worker is its only writer)."""
    service_settings: ServiceSettingsStore
    acw: AcwPorts
    saves: AcwSaves
    """Saved after-call work, read for a task's detail (``acw`` writes through the same)."""
    tags: TagCounts
    stored_listing: StoredContextListing
    """The tenant admin's list of stored context (read-only; the context worker writes)."""
    email: EmailPorts
    """The live mail, drafts and sent replies of e-mail tasks (``gateway_service.email``)."""
    live_context: LiveContextStore
    """The context service's live context (read-only here), for the detail's panel."""
    stored_context: StoredContextStore
    """Stored context of services that opted in: the callers of ended tasks."""
    transcripts: TranscriptReader
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
    redis = Redis.from_url(
        settings.redis_url,
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
            stored_listing = StoredContextListing(database)
            await stored_listing.ensure_indexes()
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
            yield Resources(
                settings=settings,
                redis=redis,
                database=database,
                producer=producer,
                # History bounds only matter to writers; the gateway never writes tasks.
                tasks=TaskStore(
                    redis,
                    settings.queue_key_prefix,
                    HistoryPolicy(window=timedelta(days=30), max_entries=1000),
                    timedelta(days=1),
                ),
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
                stored_listing=stored_listing,
                email=EmailPorts(
                    mail=LiveMail(redis, settings.queue_key_prefix),
                    drafts=drafts,
                    replies=replies,
                    settings=service_settings,
                    publisher=ProducerPublisher(producer),
                    topic=settings.email_topic,
                ),
                # TTLs only matter to the context worker, the store's one writer.
                live_context=LiveContextStore(
                    redis, settings.queue_key_prefix, timedelta(days=8), timedelta(days=7)
                ),
                stored_context=StoredContextStore(database),
                transcripts=make_transcripts(
                    redis, database, settings_cache, settings.queue_key_prefix
                ).reader,
                verifier=verifier_for(settings, demo if settings.mode == "demo" else None),
                demo=demo if settings.mode == "demo" else None,
                live=live,
            )
    finally:
        await producer.stop()
        await live.redis.aclose()
        await redis.aclose()
