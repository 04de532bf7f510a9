"""A service's settings versions resolved with its tenant's catalog: what after-call work
checks codes against (``acw.code_lists`` picks the version in force when the task began).

The service's own part is the version in force then; the catalog items it enabled are read
as they are now (catalog items keep their own history, but a code set an admin fixes should
fix it for work still open, as it does for what agents see).
"""

from typing import Protocol

from contracts import ServiceSettings, effective_settings

from mysessions_platform.service_settings.cache import CatalogReader

__all__ = ["ResolvedHistory"]


class SettingsVersions(Protocol):
    async def history(self, tenant_id: str, service_id: str) -> list[ServiceSettings]: ...


class ResolvedHistory:
    """``history(tenant, service)`` like ``ServiceSettingsStore``'s, each version resolved."""

    def __init__(self, versions: SettingsVersions, catalogs: CatalogReader) -> None:
        self._versions = versions
        self._catalogs = catalogs

    async def history(self, tenant_id: str, service_id: str) -> list[ServiceSettings]:
        versions = await self._versions.history(tenant_id, service_id)
        if not any(v.code_sets or v.conversation_contexts for v in versions):
            return versions
        catalog = await self._catalogs.of_tenant(tenant_id)
        return [effective_settings(v, catalog.code_sets, catalog.contexts) for v in versions]
