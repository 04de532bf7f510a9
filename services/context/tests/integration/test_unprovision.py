"""``mysessions unprovision``: zero documents and zero Redis keys left for the service or
tenant, every other tenant's (and service's) data intact; ``--dry-run`` erases nothing."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import contracts as c
import pytest
from context_service.adapters.address_book import MongoAddressBook
from context_service.adapters.live_store import LiveContextStore
from context_service.adapters.stored_context import StoredContextStore
from context_service.adapters.upsert import upsert_documents
from context_service.domain import LiveContext, Parameter, Stay, StoredContext
from mysessions.cli import app
from mysessions_platform.infra import Endpoints
from mysessions_platform.key_parts import hash_tag
from mysessions_platform.service_settings.catalog_store import code_set_store, context_store
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from pymongo.asynchronous.database import AsyncDatabase
from typer.testing import CliRunner, Result

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)
SERVICES = ("svc-a", "svc-b")


async def populate(
    database: AsyncDatabase[dict[str, Any]], live: LiveContextStore, tenant: str
) -> None:
    settings, tenants = ServiceSettingsStore(database), TenantSettingsStore(database)
    await settings.ensure_indexes()
    await tenants.ensure_indexes()
    await tenants.apply(c.TenantSettingsSpec(tenant_id=tenant), NOW)
    # The tenant's catalogs, with a version more and a removed item (a version of its own).
    code_sets, contexts = code_set_store(database), context_store(database)
    await code_sets.ensure_indexes()
    await contexts.ensure_indexes()
    standard = {"id": "standard", "name": "Standard", "primary_codes": [{"id": "a", "label": "A"}]}
    await code_sets.apply(tenant, c.CodeSetSpec.model_validate(standard), NOW)
    await code_sets.apply(tenant, c.CodeSetSpec.model_validate({**standard, "name": "Std"}), NOW)
    await contexts.apply(tenant, c.ConversationContextSpec(id="crm", name="CRM"), NOW)
    await contexts.apply(tenant, c.ConversationContextSpec(id="old", name="Old"), NOW)
    await contexts.remove(tenant, "old", NOW)
    book = MongoAddressBook(database)
    await upsert_documents(
        book.collection, tenant, "contact_id", {"c1": {"contact_id": "c1", "display_name": "X"}}
    )
    stored = StoredContextStore(database)
    for service in SERVICES:
        await settings.apply(
            c.ServiceSettingsSpec(
                tenant_id=tenant,
                service_id=service,
                service_name=service,
                store_context=True,
                code_sets=("standard",),
                conversation_contexts=("crm",),
            ),
            NOW,
        )
        await stored.insert([record(tenant, service, f"s-{service}")])
        stay = Stay(f"s-{service}-q1", service, service, NOW)
        await live.save(LiveContext(tenant, f"live-{service}", stays=(stay,)))
        await live.end(LiveContext(tenant, f"ended-{service}", stays=(stay,)))


def record(tenant: str, service: str, session: str) -> StoredContext:
    return StoredContext(
        tenant_id=tenant,
        session_id=session,
        service_session_id=f"{session}-q1",
        service_id=service,
        service_name=service,
        left_at=NOW,
        left_how="ended",
        started_at=NOW,
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=None,
        parameters={"Ticket ID": Parameter("#1", service, f"{session}-q1")},
        stored_at=NOW,
        expires_at=NOW + timedelta(days=30),
    )


async def inventory(
    database: AsyncDatabase[dict[str, Any]], redis_keys: RedisKeys, tenant: str
) -> dict[str, int]:
    """Per collection (and Redis) how many documents (keys) mention the tenant, per service."""
    counts: dict[str, int] = {}
    for name in await database.list_collection_names():
        for service in (*SERVICES, None):
            query: dict[str, Any] = {"tenant_id": tenant}
            if service is not None:
                query["service_id"] = service
            counts[f"{name}/{service}"] = await database[name].count_documents(query)
    tag = hash_tag(tenant)[:-1] + ":"
    keys = [
        k async for k in redis_keys.client.scan_iter(match=f"{redis_keys.prefix}:*", count=1000)
    ]
    counts["redis"] = sum(tag.encode() in key for key in keys)
    for service in SERVICES:
        counts[f"redis/{service}"] = sum(
            tag.encode() in key and service.encode() in key for key in keys
        )
    return counts


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {name: count for name, count in counts.items() if count}


async def run(servers: Endpoints, database: str, prefix: str, *args: str) -> Result:
    env = {
        "MONGODB_URL": f"{servers.mongodb_url.rstrip('/')}/{database}",
        "REDIS_URL": servers.redis_url,
        "CONTEXT_KEY_PREFIX": prefix,
    }
    runner = CliRunner()
    return await asyncio.to_thread(lambda: runner.invoke(app, ["unprovision", *args], env=env))


async def test_unprovision_a_service_then_the_tenant(
    servers: Endpoints, redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    database = mongo_databases.create("ctx")
    live = LiveContextStore(
        redis_keys.client, redis_keys.prefix, timedelta(days=1), timedelta(days=1)
    )
    for tenant in ("t-gone", "t-kept"):
        await populate(database, live, tenant)
    kept = await inventory(database, redis_keys, "t-kept")
    before = await inventory(database, redis_keys, "t-gone")
    assert before["stored_context/svc-a"] == 1
    assert before["redis"] == 4
    assert before["code_sets_history/None"] == 2
    assert before["conversation_contexts/None"] == 2  # one of them removed

    dry = await run(servers, database.name, redis_keys.prefix, "--tenant", "t-gone", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "stored context records: 2" in dry.output
    assert nonzero(await inventory(database, redis_keys, "t-gone")) == nonzero(before)

    one = await run(
        servers,
        database.name,
        redis_keys.prefix,
        "--tenant",
        "t-gone",
        "--service",
        "svc-a",
        "--yes",
    )
    assert one.exit_code == 0, one.output
    assert "stored context records: 1" in one.output
    assert "live context keys (Redis): 2" in one.output
    after = await inventory(database, redis_keys, "t-gone")
    assert {k: v for k, v in after.items() if "svc-a" in k and v} == {}
    assert after["stored_context/svc-b"] == 1  # the tenant's other service is intact
    assert after["service_settings/svc-b"] == 1
    assert after["code_sets/None"] == 1  # the tenant's catalogs go with the tenant only

    whole = await run(servers, database.name, redis_keys.prefix, "--tenant", "t-gone", "--yes")
    assert whole.exit_code == 0, whole.output
    assert "catalog documents (code sets, conversation contexts): 8" in whole.output
    assert {k: v for k, v in (await inventory(database, redis_keys, "t-gone")).items() if v} == {}
    # What the tenant kept, by collection (an erasure may leave an empty collection
    # behind: the connector keys' $pull creates it on FerretDB; it holds nothing of anyone).
    assert nonzero(await inventory(database, redis_keys, "t-kept")) == nonzero(kept)


async def test_without_yes_it_asks_and_a_no_erases_nothing(
    servers: Endpoints, redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    database = mongo_databases.create("ctx")
    live = LiveContextStore(
        redis_keys.client, redis_keys.prefix, timedelta(days=1), timedelta(days=1)
    )
    await populate(database, live, "t-ask")
    before = await inventory(database, redis_keys, "t-ask")
    env = {
        "MONGODB_URL": f"{servers.mongodb_url.rstrip('/')}/{database.name}",
        "REDIS_URL": servers.redis_url,
        "CONTEXT_KEY_PREFIX": redis_keys.prefix,
    }
    answered = await asyncio.to_thread(
        lambda: CliRunner().invoke(app, ["unprovision", "--tenant", "t-ask"], env=env, input="n\n")
    )
    assert answered.exit_code != 0
    assert nonzero(await inventory(database, redis_keys, "t-ask")) == nonzero(before)
