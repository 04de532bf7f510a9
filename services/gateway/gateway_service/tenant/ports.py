"""What the tenant admin's routes (``api.admin_tenant``, ``api.admin_imports``) write and
call through: the tenant settings store, the context service's import and its CRM test.
The real ones are built on the gateway's MongoDB and one CRM HTTP client
(``tenant.adapters.open_tenant_ports``); route tests may pass fakes."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from context_service.contacts_import import ImportReport, Kind, ParsedFile
from context_service.crm_probe import CrmProbe
from contracts import TenantSettings, TenantSettingsSpec
from mysessions_platform.service_settings.store import Change

__all__ = ["ContactsImporter", "CrmProber", "TenantPorts", "TenantSettingsWrites"]


class TenantSettingsWrites(Protocol):
    """``TenantSettingsStore``: versioned, compare-and-set, as ``mysessions settings apply``."""

    async def get(self, tenant_id: str) -> TenantSettings | None: ...

    async def apply(self, spec: TenantSettingsSpec, now: datetime) -> Change[TenantSettings]: ...


class ContactsImporter(Protocol):
    """Upserts a parsed file into the tenant's address book or directory
    (``context_service.contacts_import.import_parsed``)."""

    async def __call__(
        self, tenant_id: str, kind: Kind, parsed: ParsedFile, *, dry_run: bool
    ) -> ImportReport: ...


class CrmProber(Protocol):
    """One CRM lookup as the worker makes it (``context_service.crm_probe.probe_crm``)."""

    async def __call__(self, template: str, address: str, timeout_s: float) -> CrmProbe: ...


@dataclass(frozen=True)
class TenantPorts:
    settings: TenantSettingsWrites
    contacts: ContactsImporter
    crm: CrmProber
