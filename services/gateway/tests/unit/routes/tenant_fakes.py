"""In-memory fakes of the tenant admin's ports (``gateway_service.tenant.ports``)."""

from dataclasses import dataclass, field
from datetime import datetime

import contracts as c
from context_service.contacts_import import ImportReport, Kind, ParsedFile
from context_service.crm_probe import CrmProbe
from gateway_service.tenant.ports import TenantPorts
from mysessions_platform.service_settings.store import Change, plan_tenant


class FakeTenantSettings:
    """Every version by tenant, planned by the real store's rules (``plan_tenant``)."""

    def __init__(self) -> None:
        self.versions: dict[str, list[c.TenantSettings]] = {}

    async def get(self, tenant_id: str) -> c.TenantSettings | None:
        found = self.versions.get(tenant_id)
        return found[-1] if found else None

    async def apply(self, spec: c.TenantSettingsSpec, now: datetime) -> Change[c.TenantSettings]:
        change = plan_tenant(await self.get(spec.tenant_id), spec, now)
        if change.kind != "unchanged":
            self.versions.setdefault(spec.tenant_id, []).append(change.settings)
        return change


@dataclass
class RecordingImporter:
    calls: list[tuple[str, Kind, int, bool]] = field(default_factory=list)

    async def __call__(
        self, tenant_id: str, kind: Kind, parsed: ParsedFile, *, dry_run: bool
    ) -> ImportReport:
        self.calls.append((tenant_id, kind, len(parsed.documents), dry_run))
        return ImportReport(kind, len(parsed.documents), 0, 0, parsed.errors, dry_run)


@dataclass
class RecordingProber:
    answer: CrmProbe = field(default_factory=lambda: CrmProbe("not_found"))
    calls: list[tuple[str, str, float]] = field(default_factory=list)

    async def __call__(self, template: str, address: str, timeout_s: float) -> CrmProbe:
        self.calls.append((template, address, timeout_s))
        return self.answer


@dataclass
class TenantFakes:
    settings: FakeTenantSettings = field(default_factory=FakeTenantSettings)
    contacts: RecordingImporter = field(default_factory=RecordingImporter)
    crm: RecordingProber = field(default_factory=RecordingProber)

    def ports(self) -> TenantPorts:
        return TenantPorts(settings=self.settings, contacts=self.contacts, crm=self.crm)
