"""The registered endpoints, in MongoDB (``webhook_endpoints``).

One document per endpoint: its tenant and service, URL, the event types it wants, whether
payloads include caller details, its signing secret (kept to sign; shown to the owner only
when it is made), and whether it is enabled (an endpoint that answered 410 Gone is not).
"""

import secrets
from datetime import UTC, datetime
from typing import Final

from contracts.webhooks import WebhookEventType
from mysessions_platform.mongo import Document
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from webhooks_service.domain.signing import secret_of

__all__ = ["ENDPOINTS", "Endpoint", "EndpointStore"]

ENDPOINTS: Final = "webhook_endpoints"
KEY_BYTES: Final = 32


class Endpoint(BaseModel):
    endpoint_id: str
    tenant_id: str
    service_id: str
    url: str
    event_types: tuple[WebhookEventType, ...]
    include_caller: bool
    enabled: bool
    disabled_reason: str | None
    created_at: datetime


def _endpoint(document: Document) -> Endpoint:
    return Endpoint.model_validate({**document, "endpoint_id": document["_id"]})


class EndpointStore:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self.collection = database[ENDPOINTS]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("tenant_id", 1), ("service_id", 1)])
        await self.collection.create_index([("enabled", 1)])

    async def add(
        self,
        tenant_id: str,
        service_id: str,
        url: str,
        event_types: tuple[WebhookEventType, ...],
        include_caller: bool,
    ) -> tuple[Endpoint, str]:
        """The new endpoint and its secret (``whsec_…``), which nobody reads again here."""
        secret = secret_of(secrets.token_bytes(KEY_BYTES))
        document: Document = {
            "_id": "ep_" + secrets.token_hex(12),
            "tenant_id": tenant_id,
            "service_id": service_id,
            "url": url,
            "event_types": list(dict.fromkeys(event_types)),
            "include_caller": include_caller,
            "secret": secret,
            "enabled": True,
            "disabled_reason": None,
            "created_at": datetime.now(UTC),
        }
        await self.collection.insert_one(document)
        return _endpoint(document), secret

    async def of_tenant(self, tenant_id: str, services: set[str] | None = None) -> list[Endpoint]:
        query: Document = {"tenant_id": tenant_id}
        if services is not None:
            query["service_id"] = {"$in": sorted(services)}
        return [_endpoint(d) async for d in self.collection.find(query).sort("created_at", 1)]

    async def get(self, tenant_id: str, endpoint_id: str) -> Endpoint | None:
        found = await self.collection.find_one({"_id": endpoint_id, "tenant_id": tenant_id})
        return None if found is None else _endpoint(found)

    async def secret(self, endpoint_id: str) -> str | None:
        found = await self.collection.find_one({"_id": endpoint_id}, {"secret": 1})
        return None if found is None else str(found["secret"])

    async def listening(self, tenant_ids: set[str]) -> list[Endpoint]:
        """The enabled endpoints of these tenants (what a batch of events may go to)."""
        query = {"tenant_id": {"$in": sorted(tenant_ids)}, "enabled": True}
        return [_endpoint(d) async for d in self.collection.find(query)]

    async def enabled(self) -> list[Endpoint]:
        return [_endpoint(d) async for d in self.collection.find({"enabled": True})]

    async def disable(self, endpoint_id: str, reason: str) -> None:
        await self.collection.update_one(
            {"_id": endpoint_id}, {"$set": {"enabled": False, "disabled_reason": reason}}
        )

    async def enable(self, endpoint_id: str) -> None:
        await self.collection.update_one(
            {"_id": endpoint_id}, {"$set": {"enabled": True, "disabled_reason": None}}
        )

    async def remove(self, tenant_id: str, endpoint_id: str) -> bool:
        result = await self.collection.delete_one({"_id": endpoint_id, "tenant_id": tenant_id})
        return result.deleted_count == 1

    async def remove_scope(self, tenant_id: str, service_id: str | None) -> list[str]:
        """Every endpoint of the tenant (or its service); their ids."""
        query: Document = {"tenant_id": tenant_id}
        if service_id is not None:
            query["service_id"] = service_id
        ids = [str(d["_id"]) async for d in self.collection.find(query, {"_id": 1})]
        if ids:
            await self.collection.delete_many({"_id": {"$in": ids}})
        return ids

    async def scope_ids(self, tenant_id: str, service_id: str | None) -> list[str]:
        query: Document = {"tenant_id": tenant_id}
        if service_id is not None:
            query["service_id"] = service_id
        return [str(d["_id"]) async for d in self.collection.find(query, {"_id": 1})]
