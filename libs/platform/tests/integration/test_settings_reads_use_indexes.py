"""Settings reads (every worker's cache refresh, the gateway's settings pages) are answered
by index on the MongoDB-wire server here (issue 14): a tenant's, a service's, a tenant's
services, and a service's history. The finds the stores really send are recorded and
explained, over 3,000 stored services in 30 tenants."""

import pytest
from mysessions_platform.service_settings.store import (
    SERVICE_SETTINGS,
    TENANT_SETTINGS,
    ServiceSettingsStore,
    TenantSettingsStore,
)
from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.query_plans import recorded_finds, unindexed_finds

pytestmark = pytest.mark.integration


async def test_settings_reads_are_index_backed(mongo_databases: MongoDatabases) -> None:
    database = mongo_databases.create("settings-plans")
    await ServiceSettingsStore(database).ensure_indexes()
    await TenantSettingsStore(database).ensure_indexes()
    # Only the key fields: the reads below ask for a tenant that has none, so nothing
    # found needs decoding, and the plans are the same.
    await database[SERVICE_SETTINGS].insert_many(
        [{"tenant_id": f"t-{n % 30}", "service_id": f"svc-{n}"} for n in range(3000)]
    )
    await database[TENANT_SETTINGS].insert_many([{"tenant_id": f"t-{n}"} for n in range(3000)])

    async with recorded_finds(ServerSettings().mongodb_url, database.name) as (watched, finds):
        services, tenants = ServiceSettingsStore(watched), TenantSettingsStore(watched)
        assert await services.get("t-none", "svc-1") is None
        assert await services.list("t-none") == []
        assert await services.history("t-none", "svc-1") == []
        assert await tenants.get("t-none") is None
    assert len(finds.finds) == 4
    assert await unindexed_finds(database, finds.finds) == []
