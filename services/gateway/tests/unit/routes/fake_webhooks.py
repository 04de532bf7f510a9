"""The webhook registry in memory (``gateway_service.ports.WebhookEndpoints``), with the
real URL rule (production mode) so the routes' refusals are the registry's."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from contracts.webhooks import WebhookEventType
from webhooks_service.registry import Attempt, DeadLetter, Endpoint
from webhooks_service.targets import check_target


@dataclass
class FakeWebhooks:
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    log: dict[str, list[Attempt]] = field(default_factory=dict)
    dead: dict[str, list[DeadLetter]] = field(default_factory=dict)

    async def add(
        self,
        tenant_id: str,
        service_id: str,
        url: str,
        event_types: tuple[WebhookEventType, ...],
        include_caller: bool = False,
    ) -> tuple[Endpoint, str]:
        check_target(url, "production")
        ident = f"ep_{len(self.endpoints) + 1}"
        endpoint = Endpoint(
            endpoint_id=ident,
            tenant_id=tenant_id,
            service_id=service_id,
            url=url,
            event_types=event_types,
            include_caller=include_caller,
            enabled=True,
            disabled_reason=None,
            created_at=datetime.now(UTC),
        )
        self.endpoints[ident] = endpoint
        return endpoint, f"whsec_c2VjcmV0LW9m{len(self.endpoints)}"

    async def listed(self, tenant_id: str, services: set[str] | None = None) -> list[Endpoint]:
        return [
            e
            for e in self.endpoints.values()
            if e.tenant_id == tenant_id and (services is None or e.service_id in services)
        ]

    async def get(self, tenant_id: str, endpoint_id: str) -> Endpoint | None:
        found = self.endpoints.get(endpoint_id)
        return found if found is not None and found.tenant_id == tenant_id else None

    async def remove(self, tenant_id: str, endpoint_id: str) -> bool:
        return (
            await self.get(tenant_id, endpoint_id) is not None
            and self.endpoints.pop(endpoint_id) is not None
        )

    async def deliveries(self, tenant_id: str, endpoint_id: str, limit: int = 100) -> list[Attempt]:
        return self.log.get(endpoint_id, [])[:limit]

    async def dead_letters(self, tenant_id: str, endpoint_id: str) -> list[DeadLetter]:
        return self.dead.get(endpoint_id, [])

    async def pending(self, tenant_id: str, endpoint_id: str) -> int:
        return 0

    async def redeliver(
        self, tenant_id: str, endpoint_id: str, message_ids: list[str] | None = None
    ) -> int:
        moved = self.dead.pop(endpoint_id, [])
        return len(moved)
