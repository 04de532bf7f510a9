"""Service owners' settings, in process over a fake store: only services the token owns,
only the token's tenant, nothing applied on a refusal, store_context switched on only when
confirmed, every change a new version."""

from typing import Any

import httpx
import pytest
from gateway_service.api.owner import STORE_CONTEXT_WARNING

from .builders import a_day_ago, sales_spec
from .in_process import InProcessGateway

pytestmark = pytest.mark.unit

OWNED = ("sales", "emea/support")


def spec(service_id: str, tenant_id: str = "acme", **changes: Any) -> dict[str, Any]:
    return sales_spec(tenant_id, service_id, **changes).model_dump(mode="json")


def owner(gateway: InProcessGateway, tenant_id: str = "acme") -> httpx.AsyncClient:
    return gateway.client(tenant_id, "olivia", ("service_owner",), OWNED)


async def test_an_owner_reads_and_writes_only_owned_services(gateway: InProcessGateway) -> None:
    async with owner(gateway) as olivia:
        listed = (await olivia.get("/api/v1/owner/services")).json()
        assert [(s["service_id"], s["version"]) for s in listed] == [
            ("emea/support", 0),
            ("sales", 0),
        ]
        saved = await olivia.put("/api/v1/owner/services/sales", json=spec("sales"))
        assert (saved.status_code, saved.json()["version"]) == (200, 1)
        path = "/api/v1/owner/services/emea%2Fsupport"
        assert (await olivia.put(path, json=spec("emea/support"))).status_code == 200
        assert (await olivia.get(path)).json()["service_name"] == "Sales"
        await gateway.fakes.settings.apply(sales_spec("acme", "billing"), a_day_ago())
        for method, path, body in [
            ("GET", "/api/v1/owner/services/billing", None),
            ("GET", "/api/v1/owner/services/billing/history", None),
            ("PUT", "/api/v1/owner/services/billing", spec("billing", service_name="Mine")),
        ]:
            answer = await olivia.request(method, path, json=body)
            assert answer.status_code == 403, (method, path)
            assert "Sales" not in answer.text
    assert (await gateway.fakes.settings.get("acme", "billing")).service_name == "Sales"  # type: ignore[union-attr]


async def test_another_tenants_owner_of_the_same_service_id_sees_none_of_it(
    gateway: InProcessGateway,
) -> None:
    await gateway.fakes.settings.apply(sales_spec("acme"), a_day_ago())
    async with owner(gateway, "other") as other:
        listed = (await other.get("/api/v1/owner/services")).json()
        one = (await other.get("/api/v1/owner/services/sales")).json()
        history = (await other.get("/api/v1/owner/services/sales/history")).json()
    assert [(s["tenant_id"], s["version"]) for s in listed] == [("other", 0), ("other", 0)]
    assert (one["tenant_id"], one["version"], one["widgets"]["map"]) == ("other", 0, False)
    assert history == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (spec("sales", tenant_id="other"), "tenant_id"),
        (spec("emea/support"), "service_id"),
        (spec("sales", store_context=True), "confirm_store_context"),
    ],
)
async def test_a_refused_body_is_422_naming_the_field_and_applies_nothing(
    gateway: InProcessGateway, body: dict[str, Any], field: str
) -> None:
    async with owner(gateway) as olivia:
        answer = await olivia.put("/api/v1/owner/services/sales", json=body)
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", field]
    assert gateway.fakes.settings.versions == {}


async def test_store_context_is_switched_on_only_when_confirmed(
    gateway: InProcessGateway,
) -> None:
    async with owner(gateway) as olivia:
        refused = await olivia.put(
            "/api/v1/owner/services/sales", json=spec("sales", store_context=True)
        )
        assert STORE_CONTEXT_WARNING in refused.text
        confirmed = await olivia.put(
            "/api/v1/owner/services/sales",
            json={**spec("sales", store_context=True), "confirm_store_context": True},
        )
        again = await olivia.put(
            "/api/v1/owner/services/sales",
            json=spec("sales", store_context=True, service_name="Sales 2"),
        )
        warning = (await olivia.get("/api/v1/owner/store-context-warning")).json()
    assert confirmed.status_code == 200
    assert confirmed.json()["store_context"] is True
    assert again.status_code == 200, "already on: no second confirmation"
    assert warning == {"warning": STORE_CONTEXT_WARNING, "retention_days": 30}


async def test_every_change_is_a_new_version_newest_first(gateway: InProcessGateway) -> None:
    async with owner(gateway) as olivia:
        for name in ("One", "Two", "Two", "Three"):
            await olivia.put("/api/v1/owner/services/sales", json=spec("sales", service_name=name))
        history = (await olivia.get("/api/v1/owner/services/sales/history")).json()
        limited = await olivia.get("/api/v1/owner/services/sales/history", params={"limit": 1})
        too_many = await olivia.get("/api/v1/owner/services/sales/history", params={"limit": 501})
    assert [(v["version"], v["service_name"]) for v in history] == [
        (3, "Three"),
        (2, "Two"),
        (1, "One"),
    ]
    assert [v["version"] for v in limited.json()] == [3]
    assert too_many.status_code == 422
