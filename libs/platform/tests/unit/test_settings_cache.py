"""The workers' settings cache: memory first, MongoDB at most every refresh interval."""

import asyncio

import pytest
from contracts import CodeSetSpec, ServiceSettings, TenantSettings
from mysessions_platform.service_settings.cache import RefreshingCache, SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalog

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeServices:
    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], ServiceSettings] = {}
        self.reads = 0
        self.failing = False

    async def get(self, tenant_id: str, service_id: str) -> ServiceSettings | None:
        self.reads += 1
        if self.failing:
            raise ConnectionError("mongodb is away")
        return self.stored.get((tenant_id, service_id))


class NoTenants:
    async def get(self, tenant_id: str) -> TenantSettings | None:
        return None


class FakeCatalogs:
    def __init__(self) -> None:
        self.catalog = TenantCatalog.empty()
        self.reads = 0

    async def of_tenant(self, tenant_id: str) -> TenantCatalog:
        self.reads += 1
        return self.catalog


def named(name: str) -> ServiceSettings:
    return ServiceSettings.default("acme", "sales").model_copy(update={"service_name": name})


async def test_reads_memory_until_the_interval_has_passed() -> None:
    clock, services = Clock(), FakeServices()
    services.stored["acme", "sales"] = named("Sales")
    cache = SettingsCache(services, NoTenants(), refresh_s=5, clock=clock, catalogs=FakeCatalogs())
    assert (await cache.get("acme", "sales")).service_name == "Sales"
    services.stored["acme", "sales"] = named("Sales 2")
    clock.now += 4.9
    assert (await cache.get("acme", "sales")).service_name == "Sales"
    assert services.reads == 1
    clock.now += 0.1
    assert (await cache.get("acme", "sales")).service_name == "Sales 2"
    assert services.reads == 2


async def test_a_service_nobody_configured_is_all_off() -> None:
    cache = SettingsCache(FakeServices(), NoTenants(), clock=Clock(), catalogs=FakeCatalogs())
    settings = await cache.get("acme", "unknown")
    assert settings == ServiceSettings.default("acme", "unknown")
    assert (await cache.tenant("acme")) == TenantSettings.default("acme")


async def test_concurrent_readers_of_a_stale_key_share_one_read() -> None:
    loads = 0
    release = asyncio.Event()

    async def load(key: str) -> str:
        nonlocal loads
        loads += 1
        await release.wait()
        return key.upper()

    cache: RefreshingCache[str, str] = RefreshingCache(load, clock=Clock())
    readers = [asyncio.create_task(cache.get("a")) for _ in range(10)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*readers) == ["A"] * 10
    assert loads == 1


async def test_a_failed_refresh_serves_the_last_read_and_waits_before_retrying() -> None:
    clock, services = Clock(), FakeServices()
    services.stored["acme", "sales"] = named("Sales")
    cache = SettingsCache(services, NoTenants(), refresh_s=5, clock=clock, catalogs=FakeCatalogs())
    await cache.get("acme", "sales")
    services.failing = True
    clock.now += 5
    assert (await cache.get("acme", "sales")).service_name == "Sales"
    assert (await cache.get("acme", "sales")).service_name == "Sales"
    assert services.reads == 2  # the failure is not retried on every call


async def test_a_failure_with_nothing_read_yet_is_raised() -> None:
    services = FakeServices()
    services.failing = True
    cache = SettingsCache(services, NoTenants(), clock=Clock(), catalogs=FakeCatalogs())
    with pytest.raises(ConnectionError):
        await cache.get("acme", "sales")


async def test_a_service_gets_its_enabled_catalog_items_refreshed_like_its_settings() -> None:
    clock, services, catalogs = Clock(), FakeServices(), FakeCatalogs()
    services.stored["acme", "sales"] = named("Sales").model_copy(update={"code_sets": ("std",)})
    catalogs.catalog = TenantCatalog({"std": code_set("Lead")}, {})
    cache = SettingsCache(services, NoTenants(), refresh_s=5, clock=clock, catalogs=catalogs)
    assert [c.label for c in (await cache.get("acme", "sales")).primary_codes] == ["Lead"]
    catalogs.catalog = TenantCatalog({"std": code_set("Lead (new)")}, {})
    clock.now += 4.9
    assert [c.label for c in (await cache.get("acme", "sales")).primary_codes] == ["Lead"]
    clock.now += 0.1
    assert [c.label for c in (await cache.get("acme", "sales")).primary_codes] == ["Lead (new)"]


async def test_a_service_enabling_nothing_costs_no_catalog_read() -> None:
    services, catalogs = FakeServices(), FakeCatalogs()
    cache = SettingsCache(services, NoTenants(), clock=Clock(), catalogs=catalogs)
    await cache.get("acme", "sales")
    assert catalogs.reads == 0


def code_set(label: str) -> CodeSetSpec:
    return CodeSetSpec.model_validate(
        {"id": "std", "name": "Standard", "primary_codes": [{"id": "lead", "label": label}]}
    )
