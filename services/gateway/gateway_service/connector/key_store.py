"""Tenant API keys in MongoDB (collection ``connector_keys``): one document per key,
keyed by its id (unique), always read and written with its tenant.

Only the key's digest is kept (``connector.keys``). A revoked key stays listed, marked
revoked, so the admin sees what was cut off and when; unprovisioning the tenant erases
every key of it, and unprovisioning a service takes the service out of every key's scope.
"""

from datetime import datetime
from typing import Final

from mysessions_platform.erasure import Counts, Scope, delete_documents
from mysessions_platform.mongo import Document, as_utc
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from gateway_service.connector.keys import ApiKey

__all__ = ["CONNECTOR_KEYS", "KEYS_ERASED", "MAX_KEYS_PER_TENANT", "MongoKeys", "TooManyKeys"]

CONNECTOR_KEYS: Final = "connector_keys"
KEYS_ERASED: Final = "gateway: connector API keys"
MAX_KEYS_PER_TENANT: Final = 100
"""Revoked ones included: a tenant that needs more revokes and erases with unprovisioning."""


class TooManyKeys(Exception):
    pass


class MongoKeys:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._keys = database[CONNECTOR_KEYS]

    async def ensure_indexes(self) -> None:
        await self._keys.create_index([("key_id", ASCENDING)], unique=True, name="one_per_id")
        await self._keys.create_index(
            [("tenant_id", ASCENDING), ("created_at", DESCENDING)], name="by_tenant"
        )

    async def add(self, key: ApiKey) -> None:
        """Raises ``TooManyKeys`` at the tenant's maximum (counted first: two admins adding
        the hundredth at once may both get it, a bound that stays a bound)."""
        if await self._keys.count_documents({"tenant_id": key.tenant_id}) >= MAX_KEYS_PER_TENANT:
            raise TooManyKeys(f"a tenant has at most {MAX_KEYS_PER_TENANT} keys")
        await self._keys.insert_one(_document(key))

    async def list(self, tenant_id: str) -> list[ApiKey]:
        found = self._keys.find({"tenant_id": tenant_id}).sort("created_at", DESCENDING)
        return [_key(document) async for document in found]

    async def find(self, key_id: str) -> ApiKey | None:
        """By id alone: a presented key names no tenant; the record says whose it is."""
        document = await self._keys.find_one({"key_id": key_id})
        return None if document is None else _key(document)

    async def revoke(self, tenant_id: str, key_id: str, now: datetime) -> ApiKey | None:
        """Revokes the tenant's key (once: a second revocation keeps the first time); None
        when the tenant has no such key."""
        await self._keys.update_one(
            {"tenant_id": tenant_id, "key_id": key_id, "revoked_at": None},
            {"$set": {"revoked_at": now}},
        )
        document = await self._keys.find_one({"tenant_id": tenant_id, "key_id": key_id})
        return None if document is None else _key(document)

    async def used(self, key: ApiKey, now: datetime) -> None:
        """Records a use (the caller writes at most once a minute: ``keys.last_use_due``)."""
        await self._keys.update_one(
            {"tenant_id": key.tenant_id, "key_id": key.key_id}, {"$set": {"last_used_at": now}}
        )

    async def erase(self, scope: Scope) -> Counts:
        """A tenant: every key goes. A service: it leaves every key's scope (the key keeps
        its other services; one left with none allows nothing)."""
        if scope.whole_tenant:
            query: Document = {"tenant_id": scope.tenant_id}
            return {KEYS_ERASED: await delete_documents(self._keys, query, scope.dry_run)}
        scoped: Document = {"tenant_id": scope.tenant_id, "services": scope.service_id}
        if not scope.dry_run:
            await self._keys.update_many(scoped, {"$pull": {"services": scope.service_id}})
        return {KEYS_ERASED: 0}


def _document(key: ApiKey) -> Document:
    return {
        "tenant_id": key.tenant_id,
        "key_id": key.key_id,
        "name": key.name,
        "services": list(key.services),
        "actions": list(key.actions),
        "digest": key.digest,
        "created_at": key.created_at,
        "created_by": key.created_by,
        "revoked_at": key.revoked_at,
        "last_used_at": key.last_used_at,
    }


def _key(document: Document) -> ApiKey:
    revoked, used = document.get("revoked_at"), document.get("last_used_at")
    return ApiKey(
        tenant_id=document["tenant_id"],
        key_id=document["key_id"],
        name=document["name"],
        services=tuple(document["services"]),
        actions=tuple(document["actions"]),
        digest=document["digest"],
        created_at=as_utc(document["created_at"]),
        created_by=document["created_by"],
        revoked_at=None if revoked is None else as_utc(revoked),
        last_used_at=None if used is None else as_utc(used),
    )
