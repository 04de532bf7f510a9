"""Service owners' settings through the gateway in process, over the fake settings store
(versions planned by the real store's ``plan_service``; the store itself is tested in
``libs/platform/tests``): only owned services, only the token's
tenant, nothing applied on a refusal, store_context switched on only when confirmed, and
every change a new version."""

from typing import Any

import httpx
import pytest
from gateway_service.api.owner import STORE_CONTEXT_WARNING
from gateway_service.auth.principal import Role

from .in_process import InProcessGateway

pytestmark = pytest.mark.unit

OWNED = ("sales", "emea/support")


def spec(service_id: str, tenant_id: str = "acme", **changes: Any) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "service_id": service_id,
        "service_name": "Sales",
        "widgets": {"codes_and_tags": True, "map": True},
        "primary_codes": [{"id": "sale", "label": "Sale"}],
        **changes,
    }


def client(
    gateway: InProcessGateway, *roles: Role, services: tuple[str, ...] = OWNED
) -> httpx.AsyncClient:
    headers = gateway.headers("acme", "olivia", roles or ("service_owner",), services)
    return gateway.anonymous(headers)


def problem_fields(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 422, answer.text
    return [".".join(str(part) for part in item["loc"][1:]) for item in answer.json()["detail"]]


async def test_an_owner_reads_and_writes_only_owned_services(gateway: InProcessGateway) -> None:
    async with client(gateway) as owner:
        listed = (await owner.get("/api/v1/owner/services")).json()
        assert [s["service_id"] for s in listed] == sorted(OWNED)
        assert all(s["version"] == 0 and not s["widgets"]["map"] for s in listed)

        saved = await owner.put("/api/v1/owner/services/sales", json=spec("sales"))
        assert saved.status_code == 200, saved.text
        assert saved.json()["version"] == 1
        # An id with "/" (an Identifier may hold one), percent-encoded as the screen does.
        path = "/api/v1/owner/services/emea%2Fsupport"
        assert (await owner.put(path, json=spec("emea/support"))).status_code == 200
        assert (await owner.get(path)).json()["service_name"] == "Sales"

        for method, path, body in [
            ("GET", "/api/v1/owner/services/billing", None),
            ("GET", "/api/v1/owner/services/billing/history", None),
            ("PUT", "/api/v1/owner/services/billing", spec("billing")),
        ]:
            answer = await owner.request(method, path, json=body)
            assert answer.status_code == 403, (method, path, answer.text)
            assert "billing" not in answer.text
    stored = await gateway.fakes.settings.get("acme", "billing")
    assert stored is None


async def test_other_roles_and_tenants_get_nothing(gateway: InProcessGateway) -> None:
    async with client(gateway, "agent", "tenant_admin") as not_owner:
        assert (await not_owner.get("/api/v1/owner/services")).status_code == 403
        answer = await not_owner.put("/api/v1/owner/services/sales", json=spec("sales"))
        assert answer.status_code == 403
    async with client(gateway) as owner:
        assert (await owner.put("/api/v1/owner/services/sales", json=spec("sales"))).is_success
    other = gateway.headers("globex", "olivia", ("service_owner",), OWNED)
    async with gateway.anonymous(other) as foreign:
        seen = (await foreign.get("/api/v1/owner/services/sales")).json()
    assert seen["tenant_id"] == "globex"
    assert seen["version"] == 0  # acme's settings are not globex's


async def test_a_body_naming_another_tenant_or_service_is_422_and_not_applied(
    gateway: InProcessGateway,
) -> None:
    async with client(gateway) as owner:
        for body, field in [
            (spec("sales", tenant_id="globex"), "tenant_id"),
            (spec("emea/support"), "service_id"),
        ]:
            answer = await owner.put("/api/v1/owner/services/sales", json=body)
            assert problem_fields(answer) == [field]
        bad_link = spec("sales", context_links=[{"name": "CRM", "url_template": "ftp://x/"}])
        answer = await owner.put("/api/v1/owner/services/sales", json=bad_link)
        assert problem_fields(answer) == ["context_links.0.url_template"]
        forged = {**spec("sales"), "version": 99}
        assert problem_fields(await owner.put("/api/v1/owner/services/sales", json=forged)) == [
            "version"
        ]
    assert await gateway.fakes.settings.get("acme", "sales") is None
    assert await gateway.fakes.settings.get("globex", "sales") is None


async def test_store_context_is_switched_on_only_when_confirmed(gateway: InProcessGateway) -> None:
    path = "/api/v1/owner/services/sales"
    async with client(gateway) as owner:
        warning = (await owner.get("/api/v1/owner/store-context-warning")).json()
        assert warning == {"warning": STORE_CONTEXT_WARNING, "retention_days": 30}
        assert "30 days" in warning["warning"]
        assert "not retroactive" in warning["warning"]
        assert "caller" in warning["warning"]

        answer = await owner.put(path, json=spec("sales", store_context=True))
        assert problem_fields(answer) == ["confirm_store_context"]
        assert answer.json()["detail"][0]["msg"] == STORE_CONTEXT_WARNING
        assert await gateway.fakes.settings.get("acme", "sales") is None

        on = spec("sales", store_context=True, confirm_store_context=True)
        saved = (await owner.put(path, json=on)).json()
        assert saved["store_context"] is True
        assert saved["store_context_enabled_at"] is not None
        # Already on: saving other changes needs no second confirmation, keeps the instant.
        again = await owner.put(path, json=spec("sales", store_context=True, acw_window_s=600))
        assert again.status_code == 200, again.text
        assert again.json()["store_context_enabled_at"] == saved["store_context_enabled_at"]
        # Off, then on again: asked again.
        assert (await owner.put(path, json=spec("sales"))).json()["store_context"] is False
        answer = await owner.put(path, json=spec("sales", store_context=True))
        assert problem_fields(answer) == ["confirm_store_context"]


async def test_every_change_is_a_new_version_in_the_history(gateway: InProcessGateway) -> None:
    path = "/api/v1/owner/services/sales"
    async with client(gateway) as owner:
        assert (await owner.get(path + "/history")).json() == []
        for window in (600, 900, 900):  # the last one changes nothing: no version
            assert (await owner.put(path, json=spec("sales", acw_window_s=window))).is_success
        history = (await owner.get(path + "/history")).json()
        assert [(v["version"], v["acw_window_s"]) for v in history] == [(2, 900), (1, 600)]
        assert (await owner.get(path + "/history", params={"limit": 1})).json() == history[:1]
        assert (await owner.get(path)).json() == history[0]


async def test_another_tenants_owner_of_the_same_service_ids_lists_only_its_own(
    gateway: InProcessGateway,
) -> None:
    async with client(gateway) as owner:
        assert (await owner.put("/api/v1/owner/services/sales", json=spec("sales"))).is_success
    other = gateway.headers("globex", "olivia", ("service_owner",), OWNED)
    async with gateway.anonymous(other) as foreign:
        listed = (await foreign.get("/api/v1/owner/services")).json()
        history = (await foreign.get("/api/v1/owner/services/sales/history")).json()
    assert [(s["tenant_id"], s["version"]) for s in listed] == [("globex", 0), ("globex", 0)]
    assert history == []


async def test_a_history_limit_beyond_its_maximum_is_422(gateway: InProcessGateway) -> None:
    async with client(gateway) as owner:
        path = "/api/v1/owner/services/sales/history"
        assert (await owner.get(path, params={"limit": 500})).status_code == 200
        answer = await owner.get(path, params={"limit": 501})
    assert answer.status_code == 422
    assert [item["loc"] for item in answer.json()["detail"]] == [["query", "limit"]]
