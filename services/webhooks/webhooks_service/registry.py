"""Published: registering and inspecting endpoints, for the owner API and the CLI.

Everything here is scoped by tenant: an endpoint of another tenant is "not found". Which
services the caller may touch is the caller's to check (the owner API: the token's owned
services; the CLI: the operator). The URL rule (``targets``) is checked here, so a
screen and a command cannot disagree about it.
"""

from dataclasses import dataclass

from contracts.webhooks import WebhookEventType
from mysessions_platform.mongo import Document
from mysessions_platform.redis_client import RedisClient
from pymongo.asynchronous.database import AsyncDatabase

from webhooks_service.adapters.delivery_log import Attempt, DeliveryLog
from webhooks_service.adapters.endpoints import Endpoint, EndpointStore
from webhooks_service.adapters.outbox import Outbox
from webhooks_service.settings import WebhooksSettings
from webhooks_service.targets import TargetRefused, check_target

__all__ = [
    "Attempt",
    "DeadLetter",
    "Endpoint",
    "TargetRefused",
    "WebhookRegistry",
    "registry_of",
]


DAY = 86400.0


@dataclass(frozen=True, slots=True)
class DeadLetter:
    message_id: str
    dead_lettered_at: float


class WebhookRegistry:
    def __init__(
        self,
        endpoints: EndpointStore,
        outbox: Outbox,
        log: DeliveryLog,
        settings: WebhooksSettings,
    ) -> None:
        self.endpoints = endpoints
        self.outbox = outbox
        self.log = log
        self.settings = settings

    async def add(
        self,
        tenant_id: str,
        service_id: str,
        url: str,
        event_types: tuple[WebhookEventType, ...],
        include_caller: bool = False,
    ) -> tuple[Endpoint, str]:
        """The endpoint and its signing secret, returned this once. Raises TargetRefused."""
        if not event_types:
            raise ValueError("name at least one event type")
        check_target(url, self.settings.mode)
        return await self.endpoints.add(tenant_id, service_id, url, event_types, include_caller)

    async def listed(self, tenant_id: str, services: set[str] | None = None) -> list[Endpoint]:
        return await self.endpoints.of_tenant(tenant_id, services)

    async def get(self, tenant_id: str, endpoint_id: str) -> Endpoint | None:
        return await self.endpoints.get(tenant_id, endpoint_id)

    async def remove(self, tenant_id: str, endpoint_id: str) -> bool:
        """The endpoint and everything queued, dead-lettered or logged for it."""
        if await self.endpoints.get(tenant_id, endpoint_id) is None:
            return False
        await self.endpoints.remove(tenant_id, endpoint_id)
        await self.outbox.erase(endpoint_id)
        return True

    async def deliveries(self, tenant_id: str, endpoint_id: str, limit: int = 100) -> list[Attempt]:
        if await self.endpoints.get(tenant_id, endpoint_id) is None:
            return []
        return await self.log.recent(endpoint_id, limit)

    async def dead_letters(self, tenant_id: str, endpoint_id: str) -> list[DeadLetter]:
        if await self.endpoints.get(tenant_id, endpoint_id) is None:
            return []
        found = await self.outbox.dead_letters(endpoint_id)
        return [DeadLetter(ident, when) for ident, when in found]

    async def pending(self, tenant_id: str, endpoint_id: str) -> int:
        if await self.endpoints.get(tenant_id, endpoint_id) is None:
            return 0
        return await self.outbox.pending(endpoint_id)

    async def redeliver(
        self, tenant_id: str, endpoint_id: str, message_ids: list[str] | None = None
    ) -> int:
        """Dead letters (``None``: all) due again at once; an endpoint disabled by a 410 is
        enabled again (redelivering says the receiver is back). How many were queued."""
        endpoint = await self.endpoints.get(tenant_id, endpoint_id)
        if endpoint is None:
            return 0
        if not endpoint.enabled:
            await self.endpoints.enable(endpoint_id)
        return await self.outbox.redeliver(endpoint_id, message_ids)


def registry_of(
    redis: RedisClient, database: AsyncDatabase[Document], settings: WebhooksSettings
) -> WebhookRegistry:
    return WebhookRegistry(
        EndpointStore(database),
        Outbox(
            redis,
            settings.key_prefix,
            dedupe_s=settings.dedupe_days * DAY,
            dead_letter_s=settings.dead_letter_days * DAY,
        ),
        DeliveryLog(redis, settings.key_prefix, settings.log_entries),
        settings,
    )
