"""The ingest worker: one FastStream app, its own consumer group, at-least-once."""

import structlog
from contracts import topics
from faststream import FastStream
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.subscription import subscribe_batches
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from redis.asyncio import Redis

from ingest_service.dedupe import Deduplicator
from ingest_service.settings import IngestSettings
from ingest_service.step import IngestStep

log = structlog.get_logger(__name__)


def create_app(settings: IngestSettings) -> FastStream:
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="ingest")
    publisher = BrokerPublisher(broker)
    delivery = BatchDelivery(
        consumer_group=settings.group_id,
        dead_letters=publisher,
        dead_letter_topic=settings.dead_letter_topic,
    )
    redis = Redis.from_url(settings.redis_url)  # connects lazily, on first command
    step = IngestStep(
        deduplicator=Deduplicator(redis, settings.dedupe_ttl_s),
        publisher=publisher,
        target_topic=settings.target_topic,
        key_prefix=settings.key_prefix,
    )

    subscribe_batches(broker, settings.source_topic, delivery, step, settings.max_batch)

    app = FastStream(broker, logger=None)

    @app.on_startup
    async def create_topics() -> None:
        specs = TopicSettings.from_env()
        await ensure_topics(
            settings.kafka_bootstrap_servers,
            [
                specs.spec(topics.TELEPHONY_EVENTS, settings.partitions, settings.source_topic),
                specs.spec(topics.SESSION_EVENTS, settings.partitions, settings.target_topic),
                specs.spec(topics.DEAD_LETTERS, settings.partitions, settings.dead_letter_topic),
            ],
        )
        await redis.ping()
        log.info("ingest started", group=settings.group_id, topic=settings.source_topic)

    @app.after_shutdown
    async def close_redis() -> None:
        await redis.aclose()

    return app
