"""After-call work's settings versions, resolved with the tenant's catalog as it is now."""

import pytest
from contracts import CodeSetSpec, ServiceSettings
from mysessions_platform.service_settings.catalog_store import TenantCatalog
from mysessions_platform.service_settings.resolved_history import ResolvedHistory

pytestmark = pytest.mark.unit


class Versions:
    def __init__(self, *versions: ServiceSettings) -> None:
        self.versions = list(versions)

    async def history(self, tenant_id: str, service_id: str) -> list[ServiceSettings]:
        return self.versions


class Catalogs:
    def __init__(self, catalog: TenantCatalog) -> None:
        self.catalog = catalog
        self.reads = 0

    async def of_tenant(self, tenant_id: str) -> TenantCatalog:
        self.reads += 1
        return self.catalog


STANDARD = CodeSetSpec.model_validate(
    {"id": "standard", "name": "Standard", "primary_codes": [{"id": "sale", "label": "Sale"}]}
)


def version(n: int, *code_sets: str) -> ServiceSettings:
    return ServiceSettings.default("acme", "sales").model_copy(
        update={"version": n, "code_sets": code_sets}
    )


async def test_each_version_gets_the_codes_of_the_sets_it_enabled() -> None:
    catalogs = Catalogs(TenantCatalog({"standard": STANDARD}, {}))
    resolved = await ResolvedHistory(
        Versions(version(1), version(2, "standard")), catalogs
    ).history("acme", "sales")
    assert [[c.id for c in v.primary_codes] for v in resolved] == [[], ["sale"]]


async def test_versions_that_enable_nothing_cost_no_catalog_read() -> None:
    catalogs = Catalogs(TenantCatalog({"standard": STANDARD}, {}))
    versions = Versions(version(1), version(2))
    assert await ResolvedHistory(versions, catalogs).history("acme", "sales") == versions.versions
    assert catalogs.reads == 0
