"""Tenant admins, in process over fakes: the stored sessions list is the token's tenant's,
unexpired, paged by a cursor only this list makes; unprovisioning erases only in the
token's tenant and only with the id typed again."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from context_service.domain import Caller, StoredContext
from gateway_service.auth.principal import Role

from .in_process import InProcessGateway

pytestmark = pytest.mark.unit

LIST = "/api/v1/admin/stored-sessions"
UNPROVISION = "/api/v1/admin/unprovision"


def record(
    tenant_id: str, session_id: str, stored_minutes_ago: float, **fields: Any
) -> StoredContext:
    stored = datetime.now(UTC) - timedelta(minutes=stored_minutes_ago)
    base: dict[str, Any] = {
        "tenant_id": tenant_id,
        "session_id": session_id,
        "service_session_id": f"ss-{session_id}",
        "service_id": "sales",
        "service_name": "Sales",
        "left_at": stored,
        "left_how": "ended",
        "started_at": stored,
        "modality": "voice",
        "direction": "inbound",
        "service_upn": None,
        "caller": Caller(address="+41440000001", address_kind="pstn", display_name="Ann"),
        "parameters": {},
        "stored_at": stored,
        "expires_at": stored + timedelta(days=30),
    }
    return StoredContext(**{**base, **fields})


def admin(gateway: InProcessGateway, tenant_id: str = "acme", *roles: Role) -> httpx.AsyncClient:
    return gateway.client(tenant_id, "ada", roles or ("tenant_admin",))


async def test_only_tenant_admins(gateway: InProcessGateway) -> None:
    """Moved from ``integration/test_admin.py``: route logic only."""
    async with admin(gateway, "acme", "agent", "service_owner") as client:
        assert (await client.get("/api/v1/admin/stored-sessions")).status_code == 403
        body = {"scope": "tenant", "confirm": "acme"}
        assert (await client.post("/api/v1/admin/unprovision", json=body)).status_code == 403
    assert gateway.fakes.eraser.calls == []


async def test_the_list_is_the_tokens_tenants_unexpired_records_newest_first(
    gateway: InProcessGateway,
) -> None:
    now = datetime.now(UTC)
    gateway.fakes.context.records += [
        record("acme", "s-old", 30),
        record("acme", "s-new", 1),
        record("acme", "s-expired", 60, expires_at=now - timedelta(seconds=1)),
        record("other", "s-theirs", 2),
    ]
    async with admin(gateway) as ada:
        first = (await ada.get(LIST, params={"limit": 1})).json()
        rest = (await ada.get(LIST, params={"limit": 1, "cursor": first["next_cursor"]})).json()
    assert [item["session_id"] for item in first["items"]] == ["s-new"]
    assert first["items"][0]["caller"] == {
        "display_name": "Ann",
        "address": "+41440000001",
        "source": "none",
    }
    assert [item["session_id"] for item in rest["items"]] == ["s-old"]
    assert rest["next_cursor"] is None
    async with admin(gateway, "other") as theirs:
        listed = (await theirs.get(LIST)).json()
    assert [item["session_id"] for item in listed["items"]] == ["s-theirs"]


@pytest.mark.parametrize(
    "params",
    [{"cursor": "not-ours"}, {"cursor": "x" * 513}, {"limit": 0}, {"q": "x" * 300}],
)
async def test_bad_list_parameters_are_422(
    gateway: InProcessGateway, params: dict[str, Any]
) -> None:
    async with admin(gateway) as ada:
        answer = await ada.get(LIST, params=params)
    assert answer.status_code == 422, answer.text
    assert [item["loc"][0] for item in answer.json()["detail"]] == ["query"]
    assert gateway.fakes.context.listed_after == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope": "service", "service_id": "sales", "confirm": "Sales"}, "confirm"),
        ({"scope": "service", "confirm": "sales"}, "service_id"),
        ({"scope": "tenant", "service_id": "sales", "confirm": "acme"}, "service_id"),
        ({"scope": "tenant", "confirm": "other"}, "confirm"),
        ({"scope": "tenant", "confirm": "acme", "tenant_id": "other"}, "tenant_id"),
        ({"scope": "everything", "confirm": "acme"}, "scope"),
    ],
)
async def test_an_unconfirmed_or_malformed_unprovisioning_erases_nothing(
    gateway: InProcessGateway, body: dict[str, Any], field: str
) -> None:
    async with admin(gateway) as ada:
        answer = await ada.post(UNPROVISION, json=body)
    assert answer.status_code == 422, answer.text
    assert [item["loc"][-1] for item in answer.json()["detail"]] == [field]
    assert gateway.fakes.eraser.calls == []


async def test_unprovisioning_erases_in_the_tokens_tenant_only(gateway: InProcessGateway) -> None:
    async with admin(gateway) as ada:
        service = await ada.post(
            UNPROVISION, json={"scope": "service", "service_id": "sales", "confirm": "sales"}
        )
        tenant = await ada.post(
            UNPROVISION, json={"scope": "tenant", "confirm": "acme", "dry_run": True}
        )
    assert service.status_code == 200, service.text
    assert service.json() == {
        "scope": "service",
        "service_id": "sales",
        "dry_run": False,
        "erased": {"stored context records": 0},
    }
    assert tenant.json()["dry_run"] is True
    async with admin(gateway, "other") as theirs:
        other = await theirs.post(UNPROVISION, json={"scope": "tenant", "confirm": "other"})
    assert other.status_code == 200
    assert gateway.fakes.eraser.calls == [
        ("acme", "sales", False),
        ("acme", None, True),
        ("other", None, False),
    ]
