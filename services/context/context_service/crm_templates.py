"""The caller lookup as the worker runs it: each tenant's CRM template and deadline read
from the settings cache before each lookup."""

from mysessions_platform.service_settings.cache import SettingsCache

from context_service.caller_resolver import CallerResolver
from context_service.domain import AddressKind, Caller

__all__ = ["SettingsCallers", "TenantCrmTemplates"]


class TenantCrmTemplates:
    """The CRM port reads a tenant's URL template and deadline synchronously; this keeps the
    last ones read from the settings cache, refreshed before each lookup."""

    def __init__(self, settings: SettingsCache) -> None:
        self._settings = settings
        self._templates: dict[str, str | None] = {}
        self._timeouts: dict[str, float] = {}

    async def refresh(self, tenant_id: str) -> None:
        tenant = await self._settings.tenant(tenant_id)
        self._templates[tenant_id] = tenant.crm_url_template
        self._timeouts[tenant_id] = tenant.crm_timeout_s

    def __call__(self, tenant_id: str) -> str | None:
        return self._templates.get(tenant_id)

    def timeout(self, tenant_id: str) -> float | None:
        return self._timeouts.get(tenant_id)


class SettingsCallers:
    def __init__(self, resolver: CallerResolver, templates: TenantCrmTemplates) -> None:
        self._resolver = resolver
        self._templates = templates

    async def resolve(self, tenant: str, address: str, kind: AddressKind) -> Caller:
        await self._templates.refresh(tenant)
        return await self._resolver.resolve(tenant, address, kind)
