"""The tenant admin's ports on the real stores: the tenant settings store, the context
service's import into this MongoDB database, and the CRM test over one HTTP client opened
as the context worker opens its own (``crm_client``) and closed with the app."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from context_service.contacts_import import ImportReport, Kind, ParsedFile, import_parsed
from context_service.crm_probe import CrmProbe, crm_client, probe_crm
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.store import TenantSettingsStore
from pymongo.asynchronous.database import AsyncDatabase

from gateway_service.tenant.ports import TenantPorts

__all__ = ["open_tenant_ports"]


class _Importer:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._database = database

    async def __call__(
        self, tenant_id: str, kind: Kind, parsed: ParsedFile, *, dry_run: bool
    ) -> ImportReport:
        return await import_parsed(self._database, tenant_id, kind, parsed, dry_run=dry_run)


class _Prober:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def __call__(self, template: str, address: str, timeout_s: float) -> CrmProbe:
        return await probe_crm(self._client, template, address, timeout_s)


@asynccontextmanager
async def open_tenant_ports(database: AsyncDatabase[Document]) -> AsyncIterator[TenantPorts]:
    settings = TenantSettingsStore(database)
    await settings.ensure_indexes()
    async with crm_client() as client:
        yield TenantPorts(settings=settings, contacts=_Importer(database), crm=_Prober(client))
