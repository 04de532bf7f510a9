"""The context worker on real Kafka, Redis and the MongoDB-wire server: the documentation's
transfer example end to end, and a session that ends in a service that does not store
context leaves its caller nowhere (every key and collection scanned)."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c
import pytest
from context_service.adapters.stored_context import StoredContextStore
from context_service.entrypoints.app import create_app
from context_service.panel import stored_panel
from context_service.settings import ContextSettings
from context_service.transfer_example import (
    CONTACT_NAME,
    EXPECTED,
    PHONE,
    add_contact,
    apply_settings,
    events,
)
from faststream import TestApp
from mysessions.cli import app
from mysessions.events_out import event_sender
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from pymongo.asynchronous.database import AsyncDatabase
from typer.testing import CliRunner

pytestmark = pytest.mark.integration

Send = Callable[[Sequence[c.SessionEvent]], Awaitable[None]]


@asynccontextmanager
async def worker(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    database: AsyncDatabase[dict[str, Any]],
) -> AsyncIterator[Send]:
    """A running worker, and ``send``: publish events and wait until it committed them."""
    sessions = await kafka_topics.create("sessions", partitions=3)
    dead = await kafka_topics.create("dlq")
    settings = ContextSettings().model_copy(
        update={
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "redis_url": servers.redis_url,
            "mongodb_url": f"{servers.mongodb_url.rstrip('/')}/{database.name}",
            "group_id": f"context-{redis_keys.prefix}",
            "source_topic": sessions,
            "dead_letter_topic": dead,
            "key_prefix": redis_keys.prefix,
            "settings_refresh_s": 0.1,
        }
    )

    async def caught_up() -> bool:
        return await group_caught_up(servers.kafka_bootstrap_servers, settings.group_id, sessions)

    async def send(stream: Sequence[c.SessionEvent]) -> None:
        async with event_sender(servers.kafka_bootstrap_servers, sessions) as sender:
            await sender.send_all(stream)
        await wait_for(caught_up, timeout_s=60, what="the context worker to catch up")

    async with TestApp(create_app(settings)):
        yield send


async def show(
    servers: Endpoints, database: str, prefix: str, tenant: str, session: str
) -> list[dict[str, Any]]:
    env = {
        "MONGODB_URL": f"{servers.mongodb_url.rstrip('/')}/{database}",
        "REDIS_URL": servers.redis_url,
        "CONTEXT_KEY_PREFIX": prefix,
    }
    args = ["context", "show", "--tenant", tenant, "--session", session, "--json"]
    result = await asyncio.to_thread(lambda: CliRunner().invoke(app, args, env=env))
    assert result.exit_code == 0, result.output
    shown: list[dict[str, Any]] = json.loads(result.output)
    return shown


async def every_value(redis_keys: RedisKeys) -> list[tuple[str, bytes]]:
    """Every key of the test's prefix with its whole content as plain bytes (not DUMP,
    which compresses, so a value could hide in it)."""
    client, found = redis_keys.client, []
    async for key in client.scan_iter(match=f"{redis_keys.prefix}:*", count=1000):
        found_type: Any = await client.type(key)
        kind = found_type.decode() if isinstance(found_type, bytes) else str(found_type)
        parts: list[Any]
        if kind == "string":
            parts = [await client.get(key) or b""]
        elif kind == "hash":
            parts = [b for pair in (await client.hgetall(key)).items() for b in pair]
        elif kind == "list":
            parts = list(await client.lrange(key, 0, -1))
        elif kind == "set":
            parts = list(await client.smembers(key))
        elif kind == "zset":
            parts = list(await client.zrange(key, 0, -1))
        else:
            raise AssertionError(f"unexpected {kind} at {key!r}")
        found.append((bytes(key).decode(), bytes(key) + b"\n" + b"\n".join(map(bytes, parts))))
    return found


async def test_the_transfer_example_through_the_worker(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    tenant, session = f"t-{uuid4().hex[:8]}", "s-abc"
    database = mongo_databases.create("ctx")
    await apply_settings(database, tenant)
    await add_contact(database, tenant)
    stream = events(tenant, session)
    async with worker(servers, kafka_topics, redis_keys, database) as send:
        await send(stream[:-1])
        # Live: the context with its caller, resolved while the session lives, in Redis.
        live = [v for k, v in await every_value(redis_keys) if k.endswith(":live")]
        assert len(live) == 1
        assert CONTACT_NAME.encode() in live[0]
        await send(stream[-1:])
        store = StoredContextStore(database)
        now = datetime.now(UTC)
        for service_id, expected in EXPECTED.items():
            record = await store.latest(tenant, session, service_id, now)
            if expected is None:
                assert record is None
                assert stored_panel(
                    c.ServiceSettings.default(tenant, service_id), record
                ).caller == ("Not Available")
                continue
            assert record is not None, service_id
            got = {n: (p.value, p.service_id) for n, p in record.parameters.items()}
            assert got == expected, service_id
            assert record.caller is not None
            assert record.caller.display_name == CONTACT_NAME  # resolved while it lived
            assert record.expires_at - record.stored_at == timedelta(days=30)
        # Ended: no live context is kept, only the data-free marker.
        keys = await every_value(redis_keys)
        assert [key for key, _ in keys if key.endswith(":live")] == []
        assert all(PHONE.encode() not in value for _, value in keys)
        # What the agents' panels show, per service the session visited.
        shown = await show(servers, database.name, redis_keys.prefix, tenant, session)
        by_service = {panel["service_id"]: panel for panel in shown}
        assert list(by_service) == ["svc-a", "svc-b", "svc-c"]
        assert by_service["svc-b"]["status"] == "not_available"
        assert by_service["svc-b"]["caller"] == "Not Available"
        for service_id in ("svc-a", "svc-c"):
            panel = by_service[service_id]
            assert panel["caller"] == CONTACT_NAME
            fields = {f["name"]: (f["value"], f["source"]) for f in panel["stored_fields"]}
            assert fields == EXPECTED[service_id]


async def test_a_session_ending_in_a_service_that_does_not_store_leaves_no_caller_data(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    tenant, session = f"t-{uuid4().hex[:8]}", "s-nostore"
    database = mongo_databases.create("ctx")
    await apply_settings(database, tenant)
    await add_contact(database, tenant)
    # The example's call, but it stays in service B (which does not store) until it ends.
    stream = [e for e in events(tenant, session) if e.type != "session.transferred"]
    stream = [
        e
        for e in stream
        if not (isinstance(e, c.SessionQueued) and e.service_id != "svc-b")
        and not (isinstance(e, c.CustomParametersUpdated) and "svc-b" not in e.service_session_id)
    ]
    async with worker(servers, kafka_topics, redis_keys, database) as send:
        await send(stream[:-1])
        assert any(k.endswith(":live") for k, _ in await every_value(redis_keys))
        await send(stream[-1:])
        for key, value in await every_value(redis_keys):
            assert PHONE.encode() not in value, key
            assert CONTACT_NAME.encode() not in value, key
        for name in await database.list_collection_names():
            if name == "contacts":
                continue  # the tenant's own address book: where the name comes from
            async for document in database[name].find({}):
                text = json.dumps(document, default=str)
                assert PHONE not in text, name
                assert CONTACT_NAME not in text, name
                assert "Male" not in text, name
        assert await StoredContextStore(database).count(tenant) == 0
