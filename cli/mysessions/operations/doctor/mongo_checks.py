"""MongoDB: answering, the settings store readable through its contract, its indexes."""

from typing import Final

from mysessions_platform.mongo import Document, mongo_database
from mysessions_platform.service_settings.catalog_store import CODE_SETS, CONVERSATION_CONTEXTS
from mysessions_platform.service_settings.store import (
    SERVICE_SETTINGS,
    SERVICE_SETTINGS_HISTORY,
    TENANT_SETTINGS,
    TENANT_SETTINGS_HISTORY,
    ServiceSettingsStore,
    TenantSettingsStore,
)
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from mysessions.operations.doctor.findings import Finding, Status

__all__ = ["SETTINGS_INDEXES", "check_mongo"]

TIMEOUT_MS: Final = 2_000
SETTINGS_INDEXES: Final = {
    SERVICE_SETTINGS: "key",
    SERVICE_SETTINGS_HISTORY: "version",
    TENANT_SETTINGS: "key",
    TENANT_SETTINGS_HISTORY: "version",
    CODE_SETS: "key",
    f"{CODE_SETS}_history": "version",
    CONVERSATION_CONTEXTS: "key",
    f"{CONVERSATION_CONTEXTS}_history": "version",
}
"""The unique indexes the settings and catalog stores create
(``VersionedDocuments.ensure_indexes``): ``key`` makes a service's settings (a catalog
item) one document; ``version`` lets exactly one writer win each version."""


async def check_mongo(url: str, where: str) -> list[Finding]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        url,
        tz_aware=True,
        serverSelectionTimeoutMS=TIMEOUT_MS,
        connectTimeoutMS=TIMEOUT_MS,
        socketTimeoutMS=2 * TIMEOUT_MS,
    )
    try:
        build = await client.admin.command("buildInfo")
        database = mongo_database(client)
        answering = Finding(
            "mongodb",
            where,
            Status.OK,
            f"answers (MongoDB wire {build.get('version', '?')}), database {database.name}",
        )
        return [answering, await _settings(database), *await _indexes(database)]
    finally:
        await client.close()


async def _settings(database: AsyncDatabase[Document]) -> Finding:
    """Reads one tenant's settings through the stores, so every document read is checked
    against the contract a worker reads it with."""
    subject = f"{database.name} settings"
    sample = await database[SERVICE_SETTINGS].find_one({}, projection={"tenant_id": True})
    if sample is None:
        return Finding(
            "settings",
            subject,
            Status.NOTE,
            "no service settings stored: every service shows every widget off and stores nothing",
            "apply the operators' file: `mysessions settings apply FILE`",
        )
    tenant = str(sample["tenant_id"])
    services = await ServiceSettingsStore(database).list(tenant)
    await TenantSettingsStore(database).get(tenant)
    return Finding(
        "settings",
        subject,
        Status.OK,
        f"readable: tenant {tenant}'s {len(services)} service(s) read through the contract",
    )


async def _indexes(database: AsyncDatabase[Document]) -> list[Finding]:
    existing = set(await database.list_collection_names())
    findings = []
    for collection, index in SETTINGS_INDEXES.items():
        if collection not in existing:
            continue  # nothing stored yet: the settings finding says so
        names = {found["name"] async for found in await database[collection].list_indexes()}
        if index in names:
            findings.append(
                Finding("settings", f"{collection} indexes", Status.OK, f"index {index} present")
            )
        else:
            findings.append(
                Finding(
                    "settings",
                    f"{collection} indexes",
                    Status.PROBLEM,
                    f"the unique index {index} is missing: settings writes lose their one"
                    " winner per key and version, and reads scan the whole collection",
                    "`mysessions settings apply FILE` creates it (any file: applying the"
                    " same settings again changes nothing)",
                )
            )
    return findings
