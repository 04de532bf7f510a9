"""The tenant's user directory in MongoDB (collection ``directory_users``): ``Directory``
port. One document per user, unique per tenant by lower-cased ``upn``.

What it returns is marked ``source="directory"`` by the resolution, so it is never stored
(``Caller.for_storage``).
"""

from collections.abc import Iterable
from typing import Any, Final

import pymongo
from mysessions_platform.id_lookup import IdLookup
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from context_service.domain import Caller

__all__ = ["DIRECTORY_USERS", "MongoDirectory"]

DIRECTORY_USERS: Final = "directory_users"
CALLER_FIELDS: Final = (
    "display_name",
    "company",
    "street",
    "city",
    "postal_code",
    "country",
    "email",
    "phone",
)


class MongoDirectory:
    def __init__(self, database: AsyncDatabase[dict[str, Any]], timeout_s: float = 2.0) -> None:
        """``timeout_s``: a lookup's deadline, server selection included."""
        self.collection = database[DIRECTORY_USERS]
        self._timeout_s = timeout_s

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant_id", ASCENDING), ("upn", ASCENDING)], unique=True, name="tenant_upn"
        )

    async def find(self, tenant: str, upn: str) -> Caller | None:
        with pymongo.timeout(self._timeout_s):
            doc = await self.collection.find_one({"tenant_id": tenant, "upn": upn.strip().lower()})
        if doc is None:
            return None
        return Caller(
            address=upn,
            address_kind="upn",
            source="directory",
            **{name: doc.get(name) for name in CALLER_FIELDS},
        )

    async def find_many(
        self, tenant: str, upns: Iterable[str], lookup: IdLookup
    ) -> dict[str, Caller]:
        """``find`` of every UPN at once, by the lower-cased UPN (what a list page shows
        again: one ``$in`` query where the server plans it by index, else one indexed
        query per UPN, never one round trip per row)."""
        keys = sorted({upn.strip().lower() for upn in upns})
        if not keys:
            return {}
        with pymongo.timeout(self._timeout_s):
            documents = await lookup.find_by_values(
                self.collection, {"tenant_id": tenant}, "upn", keys
            )
        return {
            doc["upn"]: Caller(
                address=doc["upn"],
                address_kind="upn",
                source="directory",
                **{name: doc.get(name) for name in CALLER_FIELDS},
            )
            for doc in documents
        }
