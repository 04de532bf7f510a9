"""The webhooks worker on real Kafka, Redis and the MongoDB-wire server, with unique
topics, key prefix and database, short retry delays, and its registry (what the CLI and
the owner API use) on the same stores."""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer
from contracts import encode
from faststream import TestApp
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import connect, mongo_database
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase
from webhooks_service.entrypoints.app import create_app
from webhooks_service.registry import WebhookRegistry, registry_of
from webhooks_service.settings import WebhooksSettings

SHORT_DELAYS = (0.3, 0.6, 1.2, 2.4)


@dataclass
class Harness:
    settings: WebhooksSettings
    registry: WebhookRegistry
    servers: Endpoints

    async def publish(self, topic: str, messages: Sequence[BaseModel]) -> None:
        """Publishes (keyed by session) and waits until the worker committed them."""
        producer = AIOKafkaProducer(bootstrap_servers=self.servers.kafka_bootstrap_servers)
        await producer.start()
        try:
            for message in messages:
                key = str(getattr(message, "session_id", "")).encode()
                await producer.send_and_wait(topic, encode(message), key=key)
        finally:
            await producer.stop()

        async def caught_up() -> bool:
            return await group_caught_up(
                self.servers.kafka_bootstrap_servers, self.settings.group_id, topic
            )

        await wait_for(caught_up, timeout_s=60, what="the webhooks worker to catch up")

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        async with TestApp(create_app(self.settings)):
            yield


@contextlib.asynccontextmanager
async def harness(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    database: AsyncDatabase[dict[str, Any]],
    **overrides: Any,
) -> AsyncIterator[Harness]:
    events = await kafka_topics.create("sessions", partitions=2)
    acw = await kafka_topics.create("acw")
    records = await kafka_topics.create("records")
    dead = await kafka_topics.create("dlq")
    mongodb_url = f"{servers.mongodb_url.rstrip('/')}/{database.name}"
    settings = WebhooksSettings().model_copy(
        update={
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "redis_url": servers.redis_url,
            "mongodb_url": mongodb_url,
            "group_id": f"webhooks-{redis_keys.prefix}",
            "events_topic": events,
            "acw_topic": acw,
            "records_topic": records,
            "dead_letter_topic": dead,
            "key_prefix": redis_keys.prefix,
            "mode": "development",
            "retry_delays_s": SHORT_DELAYS,
            "dispatch_interval_s": 0.1,
            "timeout_s": 2.0,
            **overrides,
        }
    )
    redis = settings.redis_client()
    mongo = connect(mongodb_url)
    try:
        yield Harness(settings, registry_of(redis, mongo_database(mongo), settings), servers)
    finally:
        await redis.aclose()
        await mongo.close()


async def eventually(
    check: Callable[[], Awaitable[bool]], what: str, timeout_s: float = 30
) -> None:
    await wait_for(check, timeout_s=timeout_s, what=what)
