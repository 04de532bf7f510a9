"""The tenant's address book in MongoDB (collection ``contacts``): ``AddressBook`` port.

One document per contact: ``tenant_id``, ``contact_id`` (unique per tenant), the
descriptive fields, ``phones`` (E.164) and ``emails`` (lower-cased), both indexed with the
tenant. Only unique and plain indexes: FerretDB v1 has no partial or TTL indexes.
"""

from typing import Any, Final

import pymongo
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from context_service.adapters.phones import lookup_form
from context_service.domain import AddressKind, Caller

__all__ = ["CONTACTS", "MongoAddressBook"]

CONTACTS: Final = "contacts"
CALLER_FIELDS: Final = ("display_name", "company", "street", "city", "postal_code", "country")


class MongoAddressBook:
    def __init__(
        self,
        database: AsyncDatabase[dict[str, Any]],
        region: str | None = None,
        timeout_s: float = 2.0,
    ) -> None:
        """``region``: how to read callers' numbers that come without a country code;
        ``timeout_s``: a lookup's deadline, server selection included, so an unreachable
        database degrades callers to "Anonymous" instead of holding sessions up."""
        self.collection = database[CONTACTS]
        self._region = region
        self._timeout_s = timeout_s

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant_id", ASCENDING), ("contact_id", ASCENDING)],
            unique=True,
            name="tenant_contact_id",
        )
        await self.collection.create_index(
            [("tenant_id", ASCENDING), ("phones", ASCENDING)], name="tenant_phones"
        )
        await self.collection.create_index(
            [("tenant_id", ASCENDING), ("emails", ASCENDING)], name="tenant_emails"
        )

    async def find(self, tenant: str, address: str, kind: AddressKind) -> Caller | None:
        if kind == "pstn":
            field, value = "phones", lookup_form(address, self._region)
        elif kind in ("upn", "email"):
            field, value = "emails", address.strip().lower()
        else:
            return None
        # several contacts may share a number (a switchboard): the lowest id wins, always
        with pymongo.timeout(self._timeout_s):
            doc = await self.collection.find_one(
                {"tenant_id": tenant, field: value}, sort=[("contact_id", ASCENDING)]
            )
        if doc is None:
            return None
        phones, emails = doc.get("phones") or [None], doc.get("emails") or [None]
        return Caller(
            address=address,
            address_kind=kind,
            source="address_book",
            phone=value if field == "phones" else phones[0],
            email=value if field == "emails" else emails[0],
            **{name: doc.get(name) for name in CALLER_FIELDS},
        )
