from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from gateway_service.testing import RunningGateway, isolated_gateway
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from playwright.async_api import Browser, BrowserContext

from .browser import axe_source, chromium, fresh_context, shared_chromium
from .world import World, my_sessions_world


@pytest.fixture(scope="session")
async def shared_browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, one per test process (see ``shared_chromium``)."""
    async with shared_chromium() as browser:
        yield browser


@pytest.fixture
async def browser(shared_browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser context (its own cookies, storage, cache) for this test alone."""
    async with fresh_context(shared_browser) as context:
        yield context


@pytest.fixture
async def popup_blocking_browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    """The same Chromium with its pop-up blocker on, as agents' browsers have it."""
    async with chromium(tmp_path / "blocking-profile", block_popups=True) as context:
        yield context


@pytest.fixture(scope="session")
def axe() -> str:
    """axe.min.js (pinned, fetched by scripts/bootstrap.sh) to inject into a page."""
    return axe_source()


@pytest.fixture
def context_worker() -> bool:
    """Whether ``world`` runs the context worker too: a module that needs it (transcripts,
    captions, e-mail bodies) defines this fixture again, returning True."""
    return False


@pytest.fixture
async def world(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    context_worker: bool,
) -> AsyncIterator[World]:
    """The ingest and queue workers (and the context worker if asked) and a gateway, on this
    test's own names."""
    async with my_sessions_world(
        servers, kafka_topics, redis_keys, mongo_databases, context=context_worker
    ) as running:
        yield running


@pytest.fixture
async def gateway(
    servers: Endpoints,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    kafka_topics: KafkaTopics,
) -> AsyncIterator[RunningGateway]:
    """A gateway alone (no workers), for screens that need only its API and its stores."""
    async with isolated_gateway(servers, redis_keys, mongo_databases, kafka_topics) as running:
        yield running
