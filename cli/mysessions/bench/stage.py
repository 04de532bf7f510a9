"""A run's own resources: fresh topics, a fresh database, a fresh Redis key prefix and
consumer groups, all removed at the end (also after a failure), so runs never see each
other and a benchmark leaves nothing behind on servers that others use."""

import io
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import DeleteGroupsRequest
from context_service.contacts_import import import_parsed, parse_rows
from mysessions_platform.mongo import mongo_client, mongo_database, with_database
from mysessions_platform.service_settings.store import ServiceSettingsStore
from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.kafka_topics import KafkaTopics, kafka_topics
from mysessions_platform.testing.mongo_databases import mongo_databases
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.redis_keys import RedisKeys

from mysessions.bench.workload import Workload
from mysessions.demo_contacts import demo_contacts
from mysessions.demo_settings import demo_service_settings

TOPIC_ROLES = ("raw", "sessions", "changelog", "acw", "reporting", "dlq", "replies")


@dataclass
class Stage:
    servers: ServerSettings
    topics: dict[str, str]
    partitions: int
    database_url: str
    """``MONGODB_URL`` with the run's database in its path."""
    database_name: str
    key_prefix: str
    groups: list[str] = field(default_factory=list)

    def group(self, kind: str) -> str:
        name = f"{self.key_prefix}-{kind}"
        self.groups.append(name)
        return name


async def _delete_groups(bootstrap: str, groups: list[str]) -> None:
    """aiokafka's admin client has no call for it: Kafka's DeleteGroups, sent to each group's
    coordinator (a group that never committed is simply not found)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        for group in groups:
            await admin._send_request(
                DeleteGroupsRequest([group]), await admin.find_coordinator(group)
            )
    finally:
        await admin.close()


async def apply_settings(database_url: str, workload: Workload) -> None:
    """The demo's service settings and address book for the workload's tenants."""
    async with mongo_client(database_url) as client:
        database = mongo_database(client)
        store = ServiceSettingsStore(database)
        await store.ensure_indexes()
        for spec in demo_service_settings(workload.config):
            await store.apply(spec, datetime.now(UTC))
        for tenant, text in demo_contacts(workload.config).items():
            await import_parsed(
                database, tenant, "contacts", parse_rows(io.StringIO(text), "contacts", None)
            )


@asynccontextmanager
async def stage(
    servers: ServerSettings, partitions: int, workload: Workload
) -> AsyncIterator[Stage]:
    """Everything a run needs, created, with the demo's settings applied for the workload's
    tenants before any event (settings are not retroactive)."""
    async with AsyncExitStack() as cleanup:
        topics: KafkaTopics = await cleanup.enter_async_context(
            kafka_topics(servers.kafka_bootstrap_servers)
        )
        made = {
            role: await topics.create(f"bench-{role}", partitions=partitions)
            for role in TOPIC_ROLES
        }
        databases = await cleanup.enter_async_context(mongo_databases(servers.mongodb_url))
        database = databases.create("bench")
        url = with_database(servers.mongodb_url, database.name)
        prefix = unique_name("bench")
        redis = servers.redis_client()
        cleanup.push_async_callback(redis.aclose)
        cleanup.push_async_callback(RedisKeys(redis, prefix).delete_all)
        ran = Stage(servers, made, partitions, url, database.name, prefix)
        cleanup.push_async_callback(
            lambda: _delete_groups(servers.kafka_bootstrap_servers, ran.groups)
        )
        await apply_settings(url, workload)
        yield ran
