"""Service and tenant settings on MongoDB, versioned, written only when something differs.

Collections: ``service_settings`` (one per tenant + service), ``service_settings_history``
(every version, insert-only), ``tenant_settings`` and ``tenant_settings_history``.
The store alone sets ``version``, ``updated_at`` and ``store_context_enabled_at``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Generic, TypeVar

from contracts import (
    CodeSet,
    ConversationContext,
    ServiceSettings,
    ServiceSettingsSpec,
    TenantSettings,
    TenantSettingsSpec,
)
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.changes import (
    ChangeKind,
    changed_fields,
    store_context_enabled_at,
)
from mysessions_platform.service_settings.versioned_documents import Key, VersionedDocuments

__all__ = [
    "SERVICE_SETTINGS",
    "SERVICE_SETTINGS_HISTORY",
    "TENANT_SETTINGS",
    "TENANT_SETTINGS_HISTORY",
    "Change",
    "ServiceSettingsStore",
    "SettingsConflict",
    "TenantSettingsStore",
]

SERVICE_SETTINGS: Final = "service_settings"
SERVICE_SETTINGS_HISTORY: Final = "service_settings_history"
TENANT_SETTINGS: Final = "tenant_settings"
TENANT_SETTINGS_HISTORY: Final = "tenant_settings_history"
_ATTEMPTS: Final = 8  # each lost race means another writer made progress

StoredT = TypeVar("StoredT", ServiceSettings, TenantSettings, CodeSet, ConversationContext)


class SettingsConflict(RuntimeError):
    """Other writers kept winning; nothing of this change was written."""


@dataclass(frozen=True, slots=True)
class Change(Generic[StoredT]):
    kind: ChangeKind
    fields: tuple[str, ...]
    """Dotted names of the fields that differ; empty when created or unchanged."""
    settings: StoredT
    """As stored after the change (for a preview: as it would be)."""
    previous_version: int
    """0 when there was none."""


class ServiceSettingsStore:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._documents = VersionedDocuments(
            database[SERVICE_SETTINGS],
            database[SERVICE_SETTINGS_HISTORY],
            ("tenant_id", "service_id"),
        )

    async def ensure_indexes(self) -> None:
        await self._documents.ensure_indexes()

    async def get(self, tenant_id: str, service_id: str) -> ServiceSettings | None:
        found = await self._documents.find(_service_key(tenant_id, service_id))
        return ServiceSettings.model_validate(found) if found is not None else None

    async def history(self, tenant_id: str, service_id: str) -> list[ServiceSettings]:
        versions = await self._documents.versions(_service_key(tenant_id, service_id))
        return [ServiceSettings.model_validate(found) for found in versions]

    async def preview(self, spec: ServiceSettingsSpec, now: datetime) -> Change[ServiceSettings]:
        """What ``apply`` would do now; writes nothing."""
        return plan_service(await self.get(spec.tenant_id, spec.service_id), spec, now)

    async def apply(self, spec: ServiceSettingsSpec, now: datetime) -> Change[ServiceSettings]:
        """Store ``spec`` as the next version unless it equals the current one."""
        key = _service_key(spec.tenant_id, spec.service_id)
        return await apply_versioned(
            self._documents,
            key,
            lambda found: plan_service(
                ServiceSettings.model_validate(found) if found is not None else None, spec, now
            ),
        )

    async def list(self, tenant_id: str) -> list[ServiceSettings]:
        """Every configured service of the tenant, by service id."""
        found = await self._documents.find_all({"tenant_id": tenant_id})
        return [ServiceSettings.model_validate(document) for document in found]


class TenantSettingsStore:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._documents = VersionedDocuments(
            database[TENANT_SETTINGS], database[TENANT_SETTINGS_HISTORY], ("tenant_id",)
        )

    async def ensure_indexes(self) -> None:
        await self._documents.ensure_indexes()

    async def get(self, tenant_id: str) -> TenantSettings | None:
        found = await self._documents.find({"tenant_id": tenant_id})
        return TenantSettings.model_validate(found) if found is not None else None

    async def history(self, tenant_id: str) -> list[TenantSettings]:
        versions = await self._documents.versions({"tenant_id": tenant_id})
        return [TenantSettings.model_validate(found) for found in versions]

    async def preview(self, spec: TenantSettingsSpec, now: datetime) -> Change[TenantSettings]:
        return plan_tenant(await self.get(spec.tenant_id), spec, now)

    async def apply(self, spec: TenantSettingsSpec, now: datetime) -> Change[TenantSettings]:
        return await apply_versioned(
            self._documents,
            {"tenant_id": spec.tenant_id},
            lambda found: plan_tenant(
                TenantSettings.model_validate(found) if found is not None else None, spec, now
            ),
        )


def plan_service(
    current: ServiceSettings | None, spec: ServiceSettingsSpec, now: datetime
) -> Change[ServiceSettings]:
    was_on = current is not None and current.store_context
    enabled_at = current.store_context_enabled_at if current is not None else None
    return plan_versioned(
        current,
        spec,
        lambda version: ServiceSettings.model_validate(
            {
                **spec.model_dump(),
                "version": version,
                "updated_at": now,
                "store_context_enabled_at": store_context_enabled_at(
                    was_on, enabled_at, spec.store_context, now
                ),
            }
        ),
    )


def plan_tenant(
    current: TenantSettings | None, spec: TenantSettingsSpec, now: datetime
) -> Change[TenantSettings]:
    return plan_versioned(
        current,
        spec,
        lambda version: TenantSettings.model_validate(
            {**spec.model_dump(), "version": version, "updated_at": now}
        ),
    )


def plan_versioned(
    current: StoredT | None, spec: BaseModel, stored: Callable[[int], StoredT]
) -> Change[StoredT]:
    new = spec.model_dump(mode="json")
    if current is None:
        return Change("created", (), stored(1), 0)
    fields = changed_fields(current.spec().model_dump(mode="json"), new)
    if not fields:
        return Change("unchanged", (), current, current.version)
    return Change("changed", fields, stored(current.version + 1), current.version)


async def apply_versioned(
    documents: VersionedDocuments,
    key: Key,
    plan: Callable[[Document | None], Change[StoredT]],
) -> Change[StoredT]:
    for _ in range(_ATTEMPTS):
        change = plan(await documents.find(key))
        if change.kind == "unchanged" or await documents.commit(stored_document(change.settings)):
            return change
    raise SettingsConflict(f"settings of {dict(key)} changed {_ATTEMPTS} times while applying")


def _service_key(tenant_id: str, service_id: str) -> Key:
    return {"tenant_id": tenant_id, "service_id": service_id}


def stored_document(settings: BaseModel) -> Document:
    return settings.model_dump(mode="python")  # BSON keeps datetimes as dates, tuples as arrays
