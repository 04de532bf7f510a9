from collections.abc import AsyncIterator

import pytest
from gateway_service.testing import RunningGateway, gateway_settings, running_gateway
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import with_database
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys


@pytest.fixture
async def gateway(
    servers: Endpoints,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    kafka_topics: KafkaTopics,
) -> AsyncIterator[RunningGateway]:
    """A demo-mode gateway on this test's own key prefix, database and after-call work
    topic (saves publish there, not on the shared topic)."""
    settings = gateway_settings(
        servers.kafka_bootstrap_servers,
        servers.redis_url,
        with_database(servers.mongodb_url, mongo_databases.create("gw").name),
        queue_key_prefix=redis_keys.prefix,
        acw_topic=await kafka_topics.create("acw"),
    )
    async with running_gateway(settings) as running:
        yield running
