"""Tenant admins through the real gateway: the historical sessions list shows only the
token's tenant's records that have not expired, searchable and paged; unprovisioning needs
the exact id typed again and erases that service (or tenant) only."""

from datetime import UTC, datetime, timedelta
from typing import Any

import contracts as c
import httpx
import pytest
from context_service.adapters.stored_context import StoredContextStore
from context_service.domain import Caller, Parameter, StoredContext
from gateway_service.auth.principal import Role
from gateway_service.testing import RunningGateway

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)


def record(
    tenant: str, session: str, service: str, stored_ago: timedelta, caller: Caller | None = None
) -> StoredContext:
    stored_at = NOW - stored_ago
    return StoredContext(
        tenant_id=tenant,
        session_id=session,
        service_session_id=f"{session}-{service}",
        service_id=service,
        service_name=service.title(),
        left_at=stored_at,
        left_how="ended",
        started_at=stored_at - timedelta(minutes=3),
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=caller,
        parameters={"Ticket ID": Parameter("#1111", service, f"{session}-{service}")},
        stored_at=stored_at,
        expires_at=stored_at + timedelta(days=30),
    )


JOHN = Caller("+41446681800", "pstn", "address_book", display_name="John Doe")


async def populate(gateway: RunningGateway) -> StoredContextStore:
    store = StoredContextStore(gateway.resources.database)
    await store.ensure_indexes()
    await store.insert(
        [
            record("acme", "s-1", "sales", timedelta(hours=1), JOHN),
            record("acme", "s-2", "sales", timedelta(hours=2)),
            record("acme", "s-2", "support", timedelta(hours=3)),
            record("acme", "s-3", "support", timedelta(days=2)),
            record("acme", "s-old", "sales", timedelta(days=30, seconds=1), JOHN),  # expired
            record("globex", "s-9", "sales", timedelta(hours=1), JOHN),
        ]
    )
    return store


def admin(gateway: RunningGateway, tenant: str = "acme", *roles: Role) -> httpx.AsyncClient:
    headers = gateway.headers(tenant, "ada", roles or ("tenant_admin",))
    return httpx.AsyncClient(base_url=gateway.base_url, headers=headers)


async def listed(client: httpx.AsyncClient, **params: Any) -> list[tuple[str, str]]:
    answer = await client.get("/api/v1/admin/stored-sessions", params=params)
    assert answer.status_code == 200, answer.text
    return [(item["session_id"], item["service_id"]) for item in answer.json()["items"]]


async def test_the_list_is_the_tenants_unexpired_records_newest_first(
    gateway: RunningGateway,
) -> None:
    await populate(gateway)
    async with admin(gateway) as client:
        answer = (await client.get("/api/v1/admin/stored-sessions")).json()
        everything = await listed(client)
    assert everything == [
        ("s-1", "sales"),
        ("s-2", "sales"),
        ("s-2", "support"),
        ("s-3", "support"),
    ]
    first = answer["items"][0]
    assert first["caller"] == {
        "display_name": "John Doe",
        "address": "+41446681800",
        "source": "address_book",
    }
    assert answer["items"][1]["caller"] is None
    expires = datetime.fromisoformat(first["expires_at"])
    assert expires == NOW - timedelta(hours=1) + timedelta(days=30)
    assert answer["next_cursor"] is None


async def test_search_and_pages(gateway: RunningGateway) -> None:
    await populate(gateway)
    async with admin(gateway) as client:
        assert await listed(client, q="john doe") == [("s-1", "sales")]  # caller name, any case
        assert await listed(client, q="6681800") == [("s-1", "sales")]  # part of the number
        assert await listed(client, q="S-2") == [("s-2", "sales"), ("s-2", "support")]
        assert await listed(client, q="Support") == [("s-2", "support"), ("s-3", "support")]
        assert await listed(client, q="s-9") == []  # another tenant's
        assert await listed(client, q="s-old") == []  # expired
        assert await listed(client, q=".*") == []  # text, not a pattern

        pages: list[tuple[str, str]] = []
        cursor = None
        for _ in range(3):
            params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            answer = (await client.get("/api/v1/admin/stored-sessions", params=params)).json()
            pages += [(i["session_id"], i["service_id"]) for i in answer["items"]]
            cursor = answer["next_cursor"]
            if cursor is None:
                break
        assert pages == await listed(client)
        assert cursor is None

        for params in ({"limit": 201}, {"limit": 0}, {"cursor": "not-ours"}, {"q": "x" * 129}):
            answer = await client.get("/api/v1/admin/stored-sessions", params=params)
            assert answer.status_code == 422, (params, answer.text)


async def test_unprovision_needs_the_exact_id_and_erases_only_that(
    gateway: RunningGateway,
) -> None:
    store = await populate(gateway)
    settings = gateway.resources.service_settings
    for service in ("sales", "support"):
        await settings.apply(
            c.ServiceSettingsSpec(tenant_id="acme", service_id=service, service_name=service), NOW
        )
    async with admin(gateway) as client:
        for body, field in [
            ({"scope": "service", "service_id": "sales", "confirm": "Sales"}, "confirm"),
            ({"scope": "service", "service_id": "sales", "confirm": ""}, "confirm"),
            ({"scope": "service", "confirm": "sales"}, "service_id"),
            ({"scope": "tenant", "service_id": "sales", "confirm": "acme"}, "service_id"),
            ({"scope": "tenant", "confirm": "globex"}, "confirm"),
        ]:
            answer = await client.post("/api/v1/admin/unprovision", json=body)
            assert answer.status_code == 422, (body, answer.text)
            assert [item["loc"][-1] for item in answer.json()["detail"]] == [field]
        assert await store.count("acme") == 5  # nothing erased

        body = {"scope": "service", "service_id": "sales", "confirm": "sales"}
        dry = await client.post("/api/v1/admin/unprovision", json={**body, "dry_run": True})
        assert dry.status_code == 200, dry.text
        assert dry.json()["dry_run"] is True
        assert dry.json()["erased"]["stored context records"] == 3
        assert await store.count("acme") == 5  # a dry run only counts
        answer = await client.post("/api/v1/admin/unprovision", json=body)
        assert answer.status_code == 200, answer.text
        erased = answer.json()
        assert erased["scope"] == "service"
        assert erased["erased"] == dry.json()["erased"]
        assert erased["erased"]["stored context records"] == 3  # with the expired one
        assert erased["erased"]["settings documents"] == 2  # current + one version
        assert await listed(client) == [("s-2", "support"), ("s-3", "support")]
    assert await settings.get("acme", "sales") is None
    assert await settings.get("acme", "support") is not None
    assert await store.count("globex") == 1

    async with admin(gateway, "globex") as client:
        body = {"scope": "tenant", "confirm": "globex"}
        answer = await client.post("/api/v1/admin/unprovision", json=body)
        assert answer.json()["erased"]["stored context records"] == 1
    assert await store.count("globex") == 0
    assert await store.count("acme") == 2
