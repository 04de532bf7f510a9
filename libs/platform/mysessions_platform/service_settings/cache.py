"""Settings as workers read them: from memory, refreshed from MongoDB at most every N seconds.

A change written by ``mysessions settings apply`` reaches every worker within ``refresh_s``
(default 5 s) without a restart. A service nobody configured gets the all-off default. When
MongoDB fails, a worker keeps serving what it last read (and tries again ``refresh_s``
later) rather than stalling its partitions; with nothing read yet, the error propagates.

A service's settings are served resolved: its own codes and links plus those of the tenant's
catalog items it enables (``contracts.effective_settings``). The tenant's catalog is cached
and refreshed like the settings, so an admin's change reaches every service that enables
the item within the same interval.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Final, Generic, Protocol, TypeVar

import structlog
from contracts import ServiceSettings, TenantSettings, effective_settings

from mysessions_platform.service_settings.catalog_store import TenantCatalog

__all__ = [
    "DEFAULT_REFRESH_S",
    "CatalogReader",
    "RefreshingCache",
    "ServiceSettingsReader",
    "SettingsCache",
    "TenantSettingsReader",
]

DEFAULT_REFRESH_S: Final = 5.0

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_log = structlog.get_logger(__name__)


class ServiceSettingsReader(Protocol):
    async def get(self, tenant_id: str, service_id: str) -> ServiceSettings | None: ...


class TenantSettingsReader(Protocol):
    async def get(self, tenant_id: str) -> TenantSettings | None: ...


class CatalogReader(Protocol):
    """A tenant's catalog items (``catalog_store.TenantCatalogs``)."""

    async def of_tenant(self, tenant_id: str) -> TenantCatalog: ...


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    loaded_at: float


class RefreshingCache(Generic[K, V]):
    """One value per key, loaded again once it is ``refresh_s`` old; concurrent readers of a
    stale key share one load."""

    def __init__(
        self,
        load: Callable[[K], Awaitable[V]],
        refresh_s: float = DEFAULT_REFRESH_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._refresh_s = refresh_s
        self._clock = clock
        self._entries: dict[K, _Entry[V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}

    async def get(self, key: K) -> V:
        entry = self._entries.get(key)
        if entry is not None and self._clock() - entry.loaded_at < self._refresh_s:
            return entry.value
        try:
            return await asyncio.shield(self._load_once(key))
        except Exception:
            if entry is None:
                raise
            _log.warning("settings refresh failed; serving the last read", exc_info=True)
            self._entries[key] = _Entry(entry.value, self._clock())
            return entry.value

    def _load_once(self, key: K) -> "asyncio.Future[V]":
        pending = self._loading.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._load_into(key))
            self._loading[key] = pending
        return pending

    async def _load_into(self, key: K) -> V:
        try:
            value = await self._load(key)
            self._entries[key] = _Entry(value, self._clock())
            return value
        finally:
            del self._loading[key]


class SettingsCache:
    """What every worker asks: ``await cache.get(tenant, service)`` (resolved with the
    tenant's catalog), ``await cache.tenant(t)``."""

    def __init__(
        self,
        services: ServiceSettingsReader,
        tenants: TenantSettingsReader,
        refresh_s: float = DEFAULT_REFRESH_S,
        clock: Callable[[], float] = time.monotonic,
        *,
        catalogs: CatalogReader,
    ) -> None:
        async def load_service(key: tuple[str, str]) -> ServiceSettings:
            found = await services.get(*key)
            return found if found is not None else ServiceSettings.default(*key)

        async def load_tenant(tenant_id: str) -> TenantSettings:
            found = await tenants.get(tenant_id)
            return found if found is not None else TenantSettings.default(tenant_id)

        self._services = RefreshingCache(load_service, refresh_s, clock)
        self._tenants = RefreshingCache(load_tenant, refresh_s, clock)
        self._catalogs = RefreshingCache(catalogs.of_tenant, refresh_s, clock)

    async def get(self, tenant_id: str, service_id: str) -> ServiceSettings:
        own = await self._services.get((tenant_id, service_id))
        if not own.code_sets and not own.conversation_contexts:
            return own  # most services enable nothing: no catalog read for them
        catalog = await self._catalogs.get(tenant_id)
        return effective_settings(own, catalog.code_sets, catalog.contexts)

    async def tenant(self, tenant_id: str) -> TenantSettings:
        return await self._tenants.get(tenant_id)
