"""Unprovisioning a service or a whole tenant: everything kept about it erased at once.

For a service: its stored context records, its transcripts, the live context of every
session that visited it (and those sessions' ended markers) and its settings (current and
every version). For a tenant, all of that for every service, plus the tenant's settings,
catalogs (code sets and conversation contexts, every version), address book and user
directory. Other tenants' data is never touched: every delete is
scoped by tenant id (and service id).
"""

from dataclasses import dataclass

from mysessions_platform.erasure import Counts, Scope
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.catalog_store import CATALOG_COLLECTIONS
from mysessions_platform.service_settings.store import (
    SERVICE_SETTINGS,
    SERVICE_SETTINGS_HISTORY,
    TENANT_SETTINGS,
    TENANT_SETTINGS_HISTORY,
)
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from context_service.adapters.address_book import CONTACTS
from context_service.adapters.directory import DIRECTORY_USERS
from context_service.adapters.live_store import LiveContexts
from context_service.adapters.stored_context import StoredContextStore
from context_service.transcripts.erasure import TranscriptStore
from context_service.transcripts.ledger import RedisLedger
from context_service.transcripts.live_captions import RedisLiveCaptions
from context_service.transcripts.store import MongoTranscripts
from context_service.transcripts_port import TranscriptEraser

__all__ = ["Erased", "erase_context", "unprovision"]


@dataclass(frozen=True, slots=True)
class Erased:
    stored_context: int
    transcripts: int
    live_keys: int
    settings: int
    contacts: int
    directory_users: int
    catalog: int

    def counts(self) -> Counts:
        return {
            "stored context records": self.stored_context,
            "transcripts": self.transcripts,
            "live context keys (Redis)": self.live_keys,
            "settings documents": self.settings,
            "address book contacts": self.contacts,
            "directory users": self.directory_users,
            "catalog documents (code sets, conversation contexts)": self.catalog,
        }


async def erase_context(
    redis: Redis, database: AsyncDatabase[Document], prefix: str, scope: Scope
) -> Erased:
    """``unprovision`` on the context's own stores under ``prefix``: what other packages
    call (``mysessions unprovision``, the admin screen), so none of them builds them."""
    transcripts = TranscriptStore(
        redis,
        prefix,
        MongoTranscripts(database),
        RedisLedger(redis, prefix),
        RedisLiveCaptions(redis, prefix),
    )
    return await unprovision(
        database,
        LiveContexts(redis, prefix),
        transcripts,
        scope.tenant_id,
        scope.service_id,
        dry_run=scope.dry_run,
    )


async def unprovision(
    database: AsyncDatabase[Document],
    live: LiveContexts,
    transcripts: TranscriptEraser,
    tenant_id: str,
    service_id: str | None = None,
    *,
    dry_run: bool = False,
) -> Erased:
    """Erases (or, with ``dry_run``, counts) what is kept about the tenant or its service."""
    stored = StoredContextStore(database)
    scope: Document = {"tenant_id": tenant_id}
    if service_id is not None:
        scope["service_id"] = service_id
    settings_collections = [SERVICE_SETTINGS, SERVICE_SETTINGS_HISTORY]
    tenant_collections: list[str] = []
    catalog_collections: list[str] = []
    if service_id is None:
        settings_collections += [TENANT_SETTINGS, TENANT_SETTINGS_HISTORY]
        tenant_collections = [CONTACTS, DIRECTORY_USERS]
        catalog_collections = list(CATALOG_COLLECTIONS)  # a service's own is its settings

    async def count_or_delete(name: str) -> int:
        collection = database[name]
        if dry_run:
            return await collection.count_documents(
                scope if name in _SERVICE_SCOPED else {"tenant_id": tenant_id}
            )
        result = await collection.delete_many(
            scope if name in _SERVICE_SCOPED else {"tenant_id": tenant_id}
        )
        return result.deleted_count

    if dry_run:
        records = await stored.count(tenant_id, service_id)
        transcript_count = await transcripts.count(tenant_id, service_id)
    else:
        records = await stored.erase(tenant_id, service_id)
        transcript_count = await transcripts.erase(tenant_id, service_id)
    keys = await live.erase(tenant_id, service_id, dry_run=dry_run)
    settings = sum([await count_or_delete(name) for name in settings_collections])
    contacts = await count_or_delete(CONTACTS) if CONTACTS in tenant_collections else 0
    users = await count_or_delete(DIRECTORY_USERS) if DIRECTORY_USERS in tenant_collections else 0
    catalog = sum([await count_or_delete(name) for name in catalog_collections])
    return Erased(records, transcript_count, keys, settings, contacts, users, catalog)


_SERVICE_SCOPED = frozenset({SERVICE_SETTINGS, SERVICE_SETTINGS_HISTORY})
