"""The settings store and the workers' cache on the real MongoDB-wire server."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts import ServiceSettingsSpec, TenantSettingsSpec
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import (
    SERVICE_SETTINGS,
    SERVICE_SETTINGS_HISTORY,
    ServiceSettingsStore,
    TenantSettingsStore,
)
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.mongo_databases import MongoDatabases

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def spec(**fields: Any) -> ServiceSettingsSpec:
    return ServiceSettingsSpec.model_validate(
        {"tenant_id": "acme", "service_id": "sales", "service_name": "Sales", **fields}
    )


async def stores(mongo_databases: MongoDatabases) -> tuple[ServiceSettingsStore, Any]:
    database = mongo_databases.create("settings")
    store = ServiceSettingsStore(database)
    await store.ensure_indexes()
    return store, database


async def test_applying_the_same_settings_twice_changes_nothing(
    mongo_databases: MongoDatabases,
) -> None:
    store, database = await stores(mongo_databases)
    first = await store.apply(spec(widgets={"map": True}), T0)
    again = await store.apply(spec(widgets={"map": True}), T0 + timedelta(hours=1))
    assert (first.kind, first.settings.version) == ("created", 1)
    assert (again.kind, again.settings.version) == ("unchanged", 1)
    assert again.settings.updated_at == T0
    assert await database[SERVICE_SETTINGS_HISTORY].count_documents({}) == 1
    assert await store.get("acme", "sales") == first.settings


async def test_a_change_bumps_the_version_and_keeps_every_version(
    mongo_databases: MongoDatabases,
) -> None:
    store, _ = await stores(mongo_databases)
    await store.apply(spec(), T0)
    change = await store.apply(
        spec(widgets={"map": True}, primary_codes=[{"id": "sales-lead", "label": "Sales lead"}]),
        T0 + timedelta(minutes=1),
    )
    assert change.kind == "changed"
    assert change.fields == ("primary_codes", "widgets.map")
    assert (change.previous_version, change.settings.version) == (1, 2)
    history = await store.history("acme", "sales")
    assert [(s.version, s.widgets.map) for s in history] == [(1, False), (2, True)]
    current = await store.get("acme", "sales")
    assert current is not None
    assert current.version == 2
    assert current.updated_at == T0 + timedelta(minutes=1)


async def test_the_opt_in_instant_is_set_when_switched_on_and_kept_while_on(
    mongo_databases: MongoDatabases,
) -> None:
    store, _ = await stores(mongo_databases)
    await store.apply(spec(), T0)
    on = await store.apply(spec(store_context=True), T0 + timedelta(hours=1))
    assert on.settings.store_context_enabled_at == T0 + timedelta(hours=1)
    renamed = await store.apply(
        spec(store_context=True, service_name="Sales EU"), T0 + timedelta(hours=2)
    )
    assert renamed.settings.store_context_enabled_at == T0 + timedelta(hours=1)
    off = await store.apply(spec(store_context=False), T0 + timedelta(hours=3))
    assert off.settings.store_context_enabled_at is None
    again = await store.apply(spec(store_context=True), T0 + timedelta(hours=4))
    assert again.settings.store_context_enabled_at == T0 + timedelta(hours=4)
    stored = await store.get("acme", "sales")
    assert stored is not None
    assert not stored.stores_context_at(T0 + timedelta(hours=2))  # not retroactive
    assert stored.stores_context_at(T0 + timedelta(hours=4))


async def test_concurrent_writers_of_different_settings_lose_nothing(
    mongo_databases: MongoDatabases,
) -> None:
    store, database = await stores(mongo_databases)
    await store.apply(spec(), T0)
    names = [f"Sales {i}" for i in range(6)]
    # Six writers on six connections race for the next versions.
    writers = [ServiceSettingsStore(database) for _ in names]
    changes = await asyncio.gather(
        *(w.apply(spec(service_name=name), T0) for w, name in zip(writers, names, strict=True))
    )
    assert sorted(c.settings.version for c in changes) == [2, 3, 4, 5, 6, 7]
    history = await store.history("acme", "sales")
    assert [s.version for s in history] == [1, 2, 3, 4, 5, 6, 7]
    by_version = {c.settings.version: c.settings.service_name for c in changes}
    assert {s.version: s.service_name for s in history[1:]} == by_version
    current = await store.get("acme", "sales")
    assert current is not None
    assert current == history[-1]
    assert await database[SERVICE_SETTINGS].count_documents({}) == 1


async def test_a_writer_that_died_halfway_is_completed_by_the_next(
    mongo_databases: MongoDatabases,
) -> None:
    store, database = await stores(mongo_databases)
    await store.apply(spec(), T0)
    # Version 2 reached the history, but its writer died before moving the current document.
    half = (await store.preview(spec(service_name="Half"), T0)).settings
    await database[SERVICE_SETTINGS_HISTORY].insert_one(half.model_dump())
    change = await store.apply(spec(service_name="Next"), T0)
    assert (change.previous_version, change.settings.version) == (2, 3)
    assert [s.service_name for s in await store.history("acme", "sales")] == [
        "Sales",
        "Half",
        "Next",
    ]


async def test_list_and_tenant_settings(mongo_databases: MongoDatabases) -> None:
    store, database = await stores(mongo_databases)
    await store.apply(spec(service_id="support", service_name="Support"), T0)
    await store.apply(spec(), T0)
    await store.apply(spec(tenant_id="other"), T0)
    assert [s.service_id for s in await store.list("acme")] == ["sales", "support"]
    tenants = TenantSettingsStore(database)
    await tenants.ensure_indexes()
    tenant = TenantSettingsSpec(
        tenant_id="acme", crm_url_template="https://crm.example/?p={system.caller}"
    )
    assert (await tenants.apply(tenant, T0)).kind == "created"
    assert (await tenants.apply(tenant, T0)).kind == "unchanged"
    slower = tenant.model_copy(update={"crm_timeout_s": 3.0})
    changed = await tenants.apply(slower, T0)
    assert (changed.kind, changed.fields, changed.settings.version) == (
        "changed",
        ("crm_timeout_s",),
        2,
    )
    assert [t.version for t in await tenants.history("acme")] == [1, 2]


async def test_workers_see_a_change_within_the_refresh_interval(
    mongo_databases: MongoDatabases,
) -> None:
    store, database = await stores(mongo_databases)
    cache = SettingsCache(
        store, TenantSettingsStore(database), refresh_s=1.0, catalogs=TenantCatalogs(database)
    )
    assert (await cache.get("acme", "sales")).version == 0  # nobody configured it: all off
    await store.apply(spec(widgets={"transcription": True}), T0)

    async def seen() -> bool:
        return (await cache.get("acme", "sales")).widgets.transcription

    # Within the interval (plus the poll's own step), not eventually.
    await wait_for(seen, timeout_s=1.0, what="the cache to see the new settings")


async def test_a_writer_that_read_an_old_version_never_overwrites_a_newer_one(
    mongo_databases: MongoDatabases,
) -> None:
    store, _ = await stores(mongo_databases)
    await store.apply(spec(), T0)
    stale = await store.preview(spec(service_name="Stale"), T0)  # planned on version 1
    await store.apply(spec(service_name="Two"), T0)
    await store.apply(spec(service_name="Three"), T0)
    # The stale writer now tries to commit its version 2: it must lose and change nothing.
    assert not await store._documents.commit(stale.settings.model_dump())
    current = await store.get("acme", "sales")
    assert current is not None
    assert (current.version, current.service_name) == (3, "Three")
