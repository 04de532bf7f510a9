"""The Kafka step: trigger events in, deliveries queued on the schedule (``Outbox``).

It sends nothing itself, so a slow or absent endpoint never holds the consumer: the batch
is committed once each of its deliveries is queued (idempotently, by message id), and the
dispatcher (``dispatcher``) takes it from there. Only tenants with an enabled endpoint cost
more than the batch's one endpoint query.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from aiokafka import ConsumerRecord
from contracts.codec import (
    AFTER_CALL_WORK_ADAPTER,
    REPORTING_RECORD_ADAPTER,
    SESSION_EVENT_ADAPTER,
)
from contracts.reasons import explain
from mysessions_platform.kafka.deadletter import Rejection
from pydantic import BaseModel, TypeAdapter, ValidationError

from webhooks_service.adapters.endpoints import Endpoint
from webhooks_service.adapters.translate import Trigger, noted, trigger_of
from webhooks_service.domain.message_ids import message_id

__all__ = ["Counts", "WebhooksStep"]

log = structlog.get_logger(__name__)


class Listeners(Protocol):
    async def listening(self, tenant_ids: set[str]) -> list[Endpoint]: ...


class Sessions(Protocol):
    async def note(self, tenant_id: str, session_id: str, service_id: str, *ids: str) -> None: ...
    async def service_of(self, tenant_id: str, session_id: str, part: str | None) -> str | None: ...


class Queue(Protocol):
    async def enqueue(
        self, endpoint_id: str, message_id: str, event_type: str, body: bytes
    ) -> bool: ...


@dataclass
class Counts:
    queued: int = 0
    unplaced: int = 0
    """Trigger events whose service was not known (the session began before the tenant's
    first endpoint, or its map expired): not sent."""


@dataclass
class WebhooksStep:
    listeners: Listeners
    sessions: Sessions
    queue: Queue
    adapters: dict[str, TypeAdapter[Any]]
    """Topic → how its records are read."""
    counts: Counts = field(default_factory=Counts)

    async def __call__(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Rejection]:
        messages: list[BaseModel] = []
        rejected: list[Rejection] = []
        for record in records:
            try:
                messages.append(self.adapters[record.topic].validate_json(record.value or b""))
            except ValidationError as error:
                now = datetime.now(UTC)
                rejected.append(Rejection(record, "invalid", explain(error), now, now, 1))
        tenants = {str(getattr(message, "tenant_id", "")) for message in messages}
        by_tenant: dict[str, list[Endpoint]] = defaultdict(list)
        for endpoint in await self.listeners.listening(tenants) if tenants else []:
            by_tenant[endpoint.tenant_id].append(endpoint)
        for message in messages:
            listeners = by_tenant.get(str(getattr(message, "tenant_id", "")))
            if listeners:
                await self._one(message, listeners)
        return rejected

    async def _one(self, message: BaseModel, listeners: list[Endpoint]) -> None:
        trigger = trigger_of(message)
        placed = noted(message)
        if placed is not None:
            service_id, parts = placed
            tenant_id, session_id = str(message.tenant_id), str(message.session_id)  # type: ignore[attr-defined]
            await self.sessions.note(tenant_id, session_id, service_id, *parts)
        if trigger is None:
            return
        service_id_or_none = trigger.service_id or await self.sessions.service_of(
            trigger.tenant_id, trigger.session_id, trigger.part
        )
        if service_id_or_none is None:
            self.counts.unplaced += 1
            log.info("trigger event without a known service", event_type=trigger.event_type)
            return
        for endpoint in listeners:
            if endpoint.service_id == service_id_or_none and (
                trigger.event_type in endpoint.event_types
            ):
                await self._queue(trigger, service_id_or_none, endpoint)

    async def _queue(self, trigger: Trigger, service_id: str, endpoint: Endpoint) -> None:
        payload = trigger.build(service_id, endpoint.include_caller)
        body = payload.model_dump_json().encode()
        ident = message_id(endpoint.endpoint_id, trigger.event_type, trigger.key)
        if await self.queue.enqueue(endpoint.endpoint_id, ident, trigger.event_type, body):
            self.counts.queued += 1


def topic_adapters(events: str, acw: str, records: str) -> dict[str, TypeAdapter[Any]]:
    return {
        events: SESSION_EVENT_ADAPTER,
        acw: AFTER_CALL_WORK_ADAPTER,
        records: REPORTING_RECORD_ADAPTER,
    }
