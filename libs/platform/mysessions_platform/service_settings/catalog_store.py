"""Tenant catalogs on MongoDB: code sets and conversation contexts, versioned like settings.

Collections ``code_sets`` and ``conversation_contexts`` (one document per tenant + item id),
with every version in ``code_sets_history`` and ``conversation_contexts_history`` (insert-
only; the same compare-and-set as settings, ``VersionedDocuments``). Removing an item is a
version too (``removed``), so an item defined again continues its line of versions; it is
refused while a service's current settings enable the item (``CatalogItemInUse`` names
them). A removal racing an owner's enable can still leave a service naming a removed item:
the resolution rule then adds nothing for it (``contracts.effective_settings``).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Generic, Literal, TypeVar

from contracts import CodeSet, CodeSetSpec, ConversationContext, ConversationContextSpec
from contracts.catalogs import MAX_CATALOG_ITEMS
from pymongo.asynchronous.database import AsyncDatabase

from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.store import (
    Change,
    ServiceSettingsStore,
    SettingsConflict,
    apply_versioned,
    plan_versioned,
)
from mysessions_platform.service_settings.versioned_documents import Key, VersionedDocuments

__all__ = [
    "CATALOG_COLLECTIONS",
    "CODE_SETS",
    "CONVERSATION_CONTEXTS",
    "CatalogFull",
    "CatalogItemInUse",
    "CatalogItemUnknown",
    "CatalogStore",
    "TenantCatalog",
    "TenantCatalogs",
    "code_set_store",
    "context_store",
]

CODE_SETS: Final = "code_sets"
CONVERSATION_CONTEXTS: Final = "conversation_contexts"
CATALOG_COLLECTIONS: Final = (
    CODE_SETS,
    f"{CODE_SETS}_history",
    CONVERSATION_CONTEXTS,
    f"{CONVERSATION_CONTEXTS}_history",
)
"""Every collection a tenant's catalogs live in, each with ``tenant_id`` (for unprovision)."""
_ATTEMPTS: Final = 8

Kind = Literal["code_sets", "conversation_contexts"]
_NOUN: Final[dict[str, str]] = {
    "code_sets": "code set",
    "conversation_contexts": "conversation context",
}
ItemT = TypeVar("ItemT", CodeSet, ConversationContext)
SpecT = TypeVar("SpecT", CodeSetSpec, ConversationContextSpec)


class CatalogItemUnknown(LookupError):
    """The tenant's catalog has no such item (or it was removed)."""


class CatalogFull(ValueError):
    """Refused: the tenant already has ``MAX_CATALOG_ITEMS`` items of this kind."""


class CatalogItemInUse(RuntimeError):
    """Refused: services enable the item. ``services`` are their ids, sorted."""

    def __init__(self, kind: Kind, item_id: str, services: list[str]) -> None:
        super().__init__(
            f"{_NOUN[kind]} {item_id} is in use by {len(services)} service(s): "
            f"{', '.join(services)}; disable it there first"
        )
        self.services = services


class CatalogStore(Generic[ItemT, SpecT]):
    """One kind of catalog item of every tenant; the token's tenant is always passed in."""

    def __init__(self, database: AsyncDatabase[Document], kind: Kind, stored: type[ItemT]) -> None:
        self.kind = kind
        self._stored: type[ItemT] = stored
        self._documents = VersionedDocuments(
            database[kind], database[f"{kind}_history"], ("tenant_id", "id")
        )
        self._services = ServiceSettingsStore(database)

    async def ensure_indexes(self) -> None:
        await self._documents.ensure_indexes()

    async def get(self, tenant_id: str, item_id: str) -> ItemT | None:
        """The item as it is now; None if never defined or removed."""
        found = await self._current(tenant_id, item_id)
        return None if found is None or found.removed else found

    async def items(self, tenant_id: str) -> list[ItemT]:
        """The tenant's items (not removed), by id."""
        found = await self._documents.find_all({"tenant_id": tenant_id})
        items = [self._stored.model_validate(document) for document in found]
        return [item for item in items if not item.removed]

    async def history(self, tenant_id: str, item_id: str) -> list[ItemT]:
        versions = await self._documents.versions(_key(tenant_id, item_id))
        return [self._stored.model_validate(document) for document in versions]

    async def preview(self, tenant_id: str, spec: SpecT, now: datetime) -> Change[ItemT]:
        return self._plan(tenant_id, await self._current(tenant_id, spec.id), spec, now)

    async def apply(self, tenant_id: str, spec: SpecT, now: datetime) -> Change[ItemT]:
        """Store ``spec`` as the item's next version unless it equals the current one;
        ``CatalogFull`` for a new item beyond the maximum (checked before writing: two
        admins adding the last one at once may both get it, an overshoot of one write)."""
        if await self.get(tenant_id, spec.id) is None:
            count = len(await self.items(tenant_id))
            if count >= MAX_CATALOG_ITEMS:
                kind = self.kind.replace("_", " ")
                raise CatalogFull(f"at most {MAX_CATALOG_ITEMS} {kind} per tenant")
        return await apply_versioned(
            self._documents,
            _key(tenant_id, spec.id),
            lambda found: self._plan(tenant_id, self._read(found), spec, now),
        )

    async def users(self, tenant_id: str, item_id: str) -> list[str]:
        """Ids of the tenant's services whose current settings enable the item."""
        return [
            settings.service_id
            for settings in await self._services.list(tenant_id)
            if item_id in getattr(settings, self.kind)
        ]

    async def remove(self, tenant_id: str, item_id: str, now: datetime) -> ItemT:
        """Removes the item (a version with ``removed``); ``CatalogItemInUse`` while a
        service enables it, ``CatalogItemUnknown`` if there is none."""
        if users := await self.users(tenant_id, item_id):
            raise CatalogItemInUse(self.kind, item_id, users)
        for _ in range(_ATTEMPTS):
            current = await self._current(tenant_id, item_id)
            if current is None or current.removed:
                raise CatalogItemUnknown(f"no {_NOUN[self.kind]} {item_id}")
            removed = current.model_copy(
                update={"version": current.version + 1, "updated_at": now, "removed": True}
            )
            if await self._documents.commit(removed.model_dump(mode="python")):
                return removed
        raise SettingsConflict(f"{self.kind} {item_id} changed {_ATTEMPTS} times while removing")

    async def _current(self, tenant_id: str, item_id: str) -> ItemT | None:
        return self._read(await self._documents.find(_key(tenant_id, item_id)))

    def _read(self, found: Document | None) -> ItemT | None:
        return self._stored.model_validate(found) if found is not None else None

    def _plan(
        self, tenant_id: str, current: ItemT | None, spec: SpecT, now: datetime
    ) -> Change[ItemT]:
        def stored(version: int) -> ItemT:
            return self._stored.model_validate(
                {**spec.model_dump(), "tenant_id": tenant_id, "version": version, "updated_at": now}
            )

        if current is not None and current.removed:  # defined again: its line goes on
            return Change("created", (), stored(current.version + 1), current.version)
        return plan_versioned(current, spec, stored)


def code_set_store(database: AsyncDatabase[Document]) -> CatalogStore[CodeSet, CodeSetSpec]:
    return CatalogStore(database, CODE_SETS, CodeSet)


def context_store(
    database: AsyncDatabase[Document],
) -> CatalogStore[ConversationContext, ConversationContextSpec]:
    return CatalogStore(database, CONVERSATION_CONTEXTS, ConversationContext)


@dataclass(frozen=True, slots=True)
class TenantCatalog:
    """A tenant's catalog items by id, as ``contracts.effective_settings`` takes them."""

    code_sets: Mapping[str, CodeSetSpec]
    contexts: Mapping[str, ConversationContextSpec]

    @classmethod
    def empty(cls) -> "TenantCatalog":
        return cls({}, {})


class TenantCatalogs:
    """Both kinds of a tenant's catalog in two reads: what the settings cache loads."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._code_sets = code_set_store(database)
        self._contexts = context_store(database)

    async def of_tenant(self, tenant_id: str) -> TenantCatalog:
        return TenantCatalog(
            {item.id: item for item in await self._code_sets.items(tenant_id)},
            {item.id: item for item in await self._contexts.items(tenant_id)},
        )


def _key(tenant_id: str, item_id: str) -> Key:
    return {"tenant_id": tenant_id, "id": item_id}
