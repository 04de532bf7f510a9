"""The ingest worker, declared: raw upstream events in, validated and deduplicated events
out by session (the worker shell runs it: ``mysessions_platform.worker.shell``)."""

from contracts import topics
from mysessions_platform.kafka.topics import TopicSettings
from mysessions_platform.worker.shell import Client, Subscription, WorkerApp, WorkerShell
from redis.asyncio import Redis

from ingest_service.dedupe import Deduplicator
from ingest_service.settings import IngestSettings
from ingest_service.step import IngestStep


def create_app(settings: IngestSettings, redis: Redis | None = None) -> WorkerApp:
    """``redis``: a client of the caller's (a test's); by default one from the settings."""
    shell = WorkerShell("ingest", settings)
    redis = redis or settings.redis_client()  # connects lazily, on first command
    step = IngestStep(
        deduplicator=Deduplicator(redis, settings.dedupe_ttl_s),
        publisher=shell.publisher,
        target_topic=settings.target_topic,
        key_prefix=settings.key_prefix,
    )
    specs, partitions = TopicSettings.from_env(), settings.partitions
    return shell.app(
        owns=[
            specs.spec(topics.TELEPHONY_EVENTS, partitions, settings.source_topic),
            specs.spec(topics.SESSION_EVENTS, partitions, settings.target_topic),
            specs.spec(topics.DEAD_LETTERS, partitions, settings.dead_letter_topic),
        ],
        subscriptions=[Subscription((settings.source_topic,), step)],
        publishes=[settings.target_topic],
        clients=[Client("redis", redis.aclose, check=redis.ping)],
    )
