"""The composition root of after-call work: real Redis, MongoDB and Kafka behind the ports."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaProducer
from contracts import topics
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.mongo import mongo_client, mongo_database
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.resolved_history import ResolvedHistory
from mysessions_platform.service_settings.store import ServiceSettingsStore
from queue_service.read import QueueTaskReader

from acw.service import AcwPorts
from acw.settings import AcwSettings
from acw.store import AcwSaves
from acw.tags import TagCounts


class ProducerPublisher:
    """Sends and waits until Kafka confirmed every message (idempotent, acks=all)."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        pending = [await self._producer.send(topic, value, key=key) for key, value in messages]
        for sent in pending:
            await sent


@asynccontextmanager
async def acw_ports(settings: AcwSettings) -> AsyncIterator[AcwPorts]:
    redis = settings.redis_client()
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=True,
        acks="all",
    )
    try:
        async with mongo_client(settings.mongodb_url) as client:
            database = mongo_database(client)
            saves, tags = AcwSaves(database), TagCounts(database)
            await saves.ensure_indexes()
            await tags.ensure_indexes()
            spec = TopicSettings.from_env().spec(topics.AFTER_CALL_WORK, 3, settings.topic)
            await ensure_topics(settings.kafka_bootstrap_servers, [spec])
            await producer.start()
            yield AcwPorts(
                tasks=QueueTaskReader(redis, settings.queue_key_prefix),
                settings=ResolvedHistory(ServiceSettingsStore(database), TenantCatalogs(database)),
                saves=saves,
                tags=tags,
                publisher=ProducerPublisher(producer),
                topic=settings.topic,
            )
    finally:
        await producer.stop()
        await redis.aclose()
