"""Fixtures every test may use: the real servers, unique names, per-test cleanup.

The logic lives in mysessions_platform.testing; this file only names the fixtures.
"""

from collections.abc import AsyncIterator, Callable

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.kafka_topics import kafka_topics as _kafka_topics
from mysessions_platform.testing.mongo_databases import (
    MongoDatabases,
)
from mysessions_platform.testing.mongo_databases import (
    mongo_databases as _mongo_databases,
)
from mysessions_platform.testing.naming import unique_name as _unique_name
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.testing.redis_keys import redis_keys as _redis_keys
from mysessions_platform.testing.servers import session_servers

# Tier checks, the serial pass and slow tests first (see the module's docstring).
pytest_plugins = [
    "mysessions_platform.testing.tiers",
    "mysessions_platform.testing.xdist_groups",
    "mysessions_platform.testing.shared_tls",
]


@pytest.fixture(scope="session")
async def servers() -> AsyncIterator[Endpoints]:
    """Env URLs, else Docker containers, else the local servers (left running afterwards).

    Session-scoped, so once per pytest-xdist worker: the URLs and the local servers are
    shared by all (``infra.up`` holds a machine-wide lock; a second call finds them
    running), while containers would be each worker's own."""
    async with session_servers() as urls:
        yield urls


@pytest.fixture
def unique_name() -> Callable[..., str]:
    """``unique_name()`` -> ``t-1a2b3c4d``; ``unique_name("grp")`` -> ``grp-…``."""
    return _unique_name


@pytest.fixture
async def kafka_topics(servers: Endpoints) -> AsyncIterator[KafkaTopics]:
    """``await kafka_topics.create()`` or ``kafka_topics.name()``; all deleted after the test."""
    async with _kafka_topics(servers.kafka_bootstrap_servers) as topics:
        yield topics


@pytest.fixture
async def redis_keys(servers: Endpoints) -> AsyncIterator[RedisKeys]:
    """``redis_keys.key("a")`` -> ``t-…:a``; every key under the prefix deleted after the test."""
    async with _redis_keys(servers.redis_url) as keys:
        yield keys


@pytest.fixture
async def mongo_databases(servers: Endpoints) -> AsyncIterator[MongoDatabases]:
    """``mongo_databases.create()`` -> a unique database, dropped after the test."""
    async with _mongo_databases(servers.mongodb_url) as databases:
        yield databases
