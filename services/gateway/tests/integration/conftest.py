from collections.abc import AsyncIterator
from typing import Any

import pytest
from gateway_service.testing import RunningGateway, isolated_gateway
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """The settings a test module's gateway differs in (by field name): a module that needs
    a limit, a heartbeat or a topic of its own defines this fixture again."""
    return {}


@pytest.fixture
async def gateway(
    servers: Endpoints,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    kafka_topics: KafkaTopics,
    gateway_overrides: dict[str, Any],
) -> AsyncIterator[RunningGateway]:
    """A demo-mode gateway on this test's own key prefix, database and after-call work
    topic, with the module's ``gateway_overrides``."""
    async with isolated_gateway(
        servers, redis_keys, mongo_databases, kafka_topics, **gateway_overrides
    ) as running:
        yield running
