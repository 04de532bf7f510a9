"""The Kafka step on fakes: what it queues for which endpoint, with which webhook id."""

from datetime import UTC, datetime

import pytest
from aiokafka import ConsumerRecord
from contracts import encode
from mysessions_platform.testing.records import consumer_record
from webhook_traffic import session_events
from webhooks_service.adapters.endpoints import Endpoint
from webhooks_service.domain.message_ids import message_id
from webhooks_service.step import WebhooksStep, topic_adapters

pytestmark = pytest.mark.unit


def endpoint(ident: str, tenant: str, service: str, *types: str, caller: bool = False) -> Endpoint:
    return Endpoint.model_validate(
        {
            "endpoint_id": ident,
            "tenant_id": tenant,
            "service_id": service,
            "url": "https://crm.example.com/",
            "event_types": types,
            "include_caller": caller,
            "enabled": True,
            "disabled_reason": None,
            "created_at": datetime(2026, 12, 7, tzinfo=UTC),
        }
    )


class Fakes:
    def __init__(self, *endpoints: Endpoint) -> None:
        self.endpoints = list(endpoints)
        self.map: dict[tuple[str, str, str], str] = {}
        self.queued: dict[tuple[str, str], tuple[str, bytes]] = {}

    async def listening(self, tenant_ids: set[str]) -> list[Endpoint]:
        return [e for e in self.endpoints if e.tenant_id in tenant_ids]

    async def note(self, tenant_id: str, session_id: str, service_id: str, *ids: str) -> None:
        for part in ("current", *ids):
            self.map[(tenant_id, session_id, part)] = service_id

    async def service_of(self, tenant_id: str, session_id: str, part: str | None) -> str | None:
        found = self.map.get((tenant_id, session_id, part or "current"))
        return found or self.map.get((tenant_id, session_id, "current"))

    async def enqueue(self, endpoint_id: str, ident: str, event_type: str, body: bytes) -> bool:
        if (endpoint_id, ident) in self.queued:
            return False
        self.queued[(endpoint_id, ident)] = (event_type, body)
        return True


def step(fakes: Fakes) -> WebhooksStep:
    return WebhooksStep(fakes, fakes, fakes, topic_adapters("events", "acw", "records"))


def records(tenant: str, session: str, service: str) -> list[ConsumerRecord[bytes, bytes]]:
    return [
        consumer_record(encode(e), topic="events", offset=n)
        for n, e in enumerate(session_events(tenant, session, service))
    ]


async def test_events_go_to_the_endpoints_of_their_service_that_asked_for_them() -> None:
    fakes = Fakes(
        endpoint("ep_a", "acme", "sales", "session.started", "task.accepted", "session.ended"),
        endpoint("ep_b", "acme", "support", "session.started"),
        endpoint("ep_c", "globex", "sales", "session.started"),
    )
    assert await step(fakes)(records("acme", "s-1", "sales")) == []
    types = sorted(event_type for (ep, _), (event_type, _) in fakes.queued.items())
    assert {ep for ep, _ in fakes.queued} == {"ep_a"}
    # accepted and ended name no service: placed by the started, queued and offered events
    assert types == ["session.ended", "session.started", "task.accepted"]


async def test_read_again_nothing_is_queued_twice_and_ids_are_stable() -> None:
    fakes = Fakes(endpoint("ep_a", "acme", "sales", "session.started"))
    batch = records("acme", "s-1", "sales")
    await step(fakes)(batch)
    await step(fakes)(batch)
    assert len(fakes.queued) == 1
    (ident,) = [ident for _, ident in fakes.queued]
    event_id = str(session_events("acme", "s-1", "sales")[0].event_id)
    assert ident.startswith("msg_")
    assert message_id("ep_a", "session.started", event_id) != message_id(
        "ep_b", "session.started", event_id
    )


async def test_caller_details_only_for_an_endpoint_that_asked() -> None:
    fakes = Fakes(
        endpoint("ep_plain", "acme", "sales", "session.started", "session.transferred"),
        endpoint("ep_full", "acme", "sales", "session.started", "session.transferred", caller=True),
    )
    await step(fakes)(records("acme", "s-1", "sales"))
    plain = b"".join(body for (ep, _), (_, body) in fakes.queued.items() if ep == "ep_plain")
    full = b"".join(body for (ep, _), (_, body) in fakes.queued.items() if ep == "ep_full")
    assert b"+15551230001" not in plain
    assert b"Jane Caller" not in plain
    assert b"+15559990000" not in plain  # the external transfer destination
    assert b"Jane Caller" in full
    assert b"+15559990000" in full


async def test_a_tenant_without_endpoints_costs_no_session_map_write() -> None:
    fakes = Fakes()
    assert await step(fakes)(records("acme", "s-1", "sales")) == []
    assert fakes.map == {}
    assert fakes.queued == {}


async def test_an_unreadable_record_is_rejected_as_invalid() -> None:
    fakes = Fakes(endpoint("ep_a", "acme", "sales", "session.started"))
    (rejected,) = await step(fakes)([consumer_record(b"{not json", topic="events")])
    assert rejected.kind == "invalid"
