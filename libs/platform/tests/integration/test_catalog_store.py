"""Tenant catalogs on the real MongoDB-wire server: versioned like settings, compare-and-set,
removal refused while a service enables the item, and the workers' cache resolving them."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from contracts import CodeSetSpec, ConversationContextSpec, ServiceSettingsSpec
from contracts.catalogs import MAX_CATALOG_ITEMS
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import (
    CatalogFull,
    CatalogItemInUse,
    CatalogItemUnknown,
    TenantCatalogs,
    code_set_store,
    context_store,
)
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.mongo_databases import MongoDatabases

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def codes(*labels: str, item: str = "standard") -> CodeSetSpec:
    return CodeSetSpec.model_validate(
        {
            "id": item,
            "name": "Standard",
            "primary_codes": [{"id": f"c{n}", "label": label} for n, label in enumerate(labels)],
        }
    )


def service(**fields: Any) -> ServiceSettingsSpec:
    return ServiceSettingsSpec.model_validate(
        {"tenant_id": "acme", "service_id": "sales", "service_name": "Sales", **fields}
    )


async def test_each_write_is_a_version_and_the_same_item_again_is_none(
    mongo_databases: MongoDatabases,
) -> None:
    store = code_set_store(mongo_databases.create("catalogs"))
    await store.ensure_indexes()
    assert (await store.apply("acme", codes("Lead"), T0)).kind == "created"
    assert (await store.apply("acme", codes("Lead"), T0)).kind == "unchanged"
    changed = await store.apply("acme", codes("Lead", "Churn"), T0)
    assert (changed.kind, changed.fields, changed.settings.version) == (
        "changed",
        ("primary_codes",),
        2,
    )
    assert [item.version for item in await store.history("acme", "standard")] == [1, 2]
    assert await store.get("globex", "standard") is None  # another tenant sees nothing


async def test_concurrent_writers_each_get_their_own_version(
    mongo_databases: MongoDatabases,
) -> None:
    store = code_set_store(mongo_databases.create("catalogs"))
    await store.ensure_indexes()
    await store.apply("acme", codes("Start"), T0)
    labels = [f"Writer {n}" for n in range(6)]
    await asyncio.gather(*(store.apply("acme", codes(label), T0) for label in labels))
    history = await store.history("acme", "standard")
    assert [item.version for item in history] == list(range(1, 8))
    assert sorted(item.primary_codes[0].label for item in history[1:]) == sorted(labels)
    current = await store.get("acme", "standard")
    assert current is not None
    assert current.version == 7


async def test_a_stale_writer_never_overwrites_a_newer_version(
    mongo_databases: MongoDatabases,
) -> None:
    store = code_set_store(mongo_databases.create("catalogs"))
    await store.ensure_indexes()
    await store.apply("acme", codes("One"), T0)
    stale = await store.preview("acme", codes("Stale"), T0)  # planned on version 1
    await store.apply("acme", codes("Two"), T0)
    assert not await store._documents.commit(stale.settings.model_dump())
    current = await store.get("acme", "standard")
    assert current is not None
    assert (current.version, current.primary_codes[0].label) == (2, "Two")


async def test_removing_an_item_a_service_enables_is_refused_naming_the_service(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("catalogs")
    store, services = context_store(database), ServiceSettingsStore(database)
    await store.ensure_indexes()
    await services.ensure_indexes()
    crm = ConversationContextSpec(id="crm", name="CRM")
    await store.apply("acme", crm, T0)
    await services.apply(service(conversation_contexts=["crm"]), T0)
    await services.apply(service(service_id="support", conversation_contexts=["crm"]), T0)
    await services.apply(service(tenant_id="globex", conversation_contexts=["crm"]), T0)
    with pytest.raises(CatalogItemInUse) as refused:
        await store.remove("acme", "crm", T0)
    assert refused.value.services == ["sales", "support"]  # the other tenant's is no user
    assert str(refused.value) == (
        "conversation context crm is in use by 2 service(s): sales, support; disable it there first"
    )
    assert await store.get("acme", "crm") is not None

    await services.apply(service(), T0)
    await services.apply(service(service_id="support"), T0)
    removed = await store.remove("acme", "crm", T0)
    assert (removed.version, removed.removed) == (2, True)
    assert await store.get("acme", "crm") is None
    assert await store.items("acme") == []
    with pytest.raises(CatalogItemUnknown):
        await store.remove("acme", "crm", T0)
    again = await store.apply("acme", crm, T0)  # defined again: its versions go on
    assert (again.kind, again.settings.version) == ("created", 3)
    assert [v.removed for v in await store.history("acme", "crm")] == [False, True, False]


async def test_workers_see_a_catalog_change_within_the_refresh_interval(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("catalogs")
    store, services = code_set_store(database), ServiceSettingsStore(database)
    await store.ensure_indexes()
    await services.ensure_indexes()
    await store.apply("acme", codes("Lead"), T0)
    await services.apply(
        service(primary_codes=[{"id": "own", "label": "Own"}], code_sets=["standard"]), T0
    )
    cache = SettingsCache(
        services, TenantSettingsStore(database), refresh_s=1.0, catalogs=TenantCatalogs(database)
    )
    first = await cache.get("acme", "sales")
    assert [c.label for c in first.primary_codes] == ["Own", "Lead"]
    await store.apply("acme", codes("Lead", "Churn"), T0)

    async def seen() -> bool:
        return len((await cache.get("acme", "sales")).primary_codes) == 3

    await wait_for(seen, timeout_s=1.5, what="the cache to see the catalog change")


async def test_a_tenant_has_at_most_the_maximum_of_each_kind(
    mongo_databases: MongoDatabases,
) -> None:
    store = code_set_store(mongo_databases.create("catalogs"))
    await store.ensure_indexes()
    await asyncio.gather(
        *(store.apply("acme", codes("C", item=f"s{n}"), T0) for n in range(MAX_CATALOG_ITEMS))
    )
    with pytest.raises(CatalogFull, match=f"at most {MAX_CATALOG_ITEMS} code sets"):
        await store.apply("acme", codes("C", item="one-more"), T0)
    assert (await store.apply("acme", codes("D", item="s0"), T0)).kind == "changed"
    assert (await store.apply("globex", codes("C", item="one-more"), T0)).kind == "created"
