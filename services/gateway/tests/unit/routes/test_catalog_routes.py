"""Tenant catalogs through the gateway in process (the store's versions, compare-and-set and
in-use refusal are tested on the real server in ``libs/platform/tests`` and
``tests/integration/test_catalogs.py``): admins define items of their own tenant only, with
the rules of a service's own codes and links; owners read them and enable them by id, and
only items that exist."""

from typing import Any

import httpx
import pytest

from .in_process import InProcessGateway

pytestmark = pytest.mark.unit

CODE_SET = {
    "id": "standard",
    "name": "Standard outcomes",
    "primary_codes": [{"id": "sale", "label": "Sale"}],
    "secondary_codes": [{"id": "upsell", "label": "Upsell"}],
}
CONTEXT = {
    "id": "crm",
    "name": "CRM",
    "context_links": [{"name": "Customer", "url_template": "https://crm.example/{system.caller}"}],
}


def admin(gateway: InProcessGateway, tenant: str = "acme") -> httpx.AsyncClient:
    return gateway.anonymous(gateway.headers(tenant, "ada", ("tenant_admin",)))


def owner(gateway: InProcessGateway) -> httpx.AsyncClient:
    return gateway.anonymous(gateway.headers("acme", "olivia", ("service_owner",), ("sales",)))


def fields(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 422, answer.text
    return [".".join(str(p) for p in item["loc"][1:]) for item in answer.json()["detail"]]


def service(**changes: Any) -> dict[str, Any]:
    return {"tenant_id": "acme", "service_id": "sales", "service_name": "Sales", **changes}


async def test_an_admin_defines_changes_and_lists_items_of_their_tenant_only(
    gateway: InProcessGateway,
) -> None:
    async with admin(gateway) as acme, admin(gateway, "globex") as globex:
        created = await acme.put("/api/v1/admin/code-sets/standard", json=CODE_SET)
        assert created.status_code == 200, created.text
        assert (created.json()["tenant_id"], created.json()["version"]) == ("acme", 1)
        same = await acme.put("/api/v1/admin/code-sets/standard", json=CODE_SET)
        assert same.json()["version"] == 1  # unchanged: no version
        renamed = {**CODE_SET, "name": "Outcomes"}
        assert (await acme.put("/api/v1/admin/code-sets/standard", json=renamed)).json()[
            "version"
        ] == 2
        assert (await acme.put("/api/v1/admin/conversation-contexts/crm", json=CONTEXT)).is_success
        listed = (await acme.get("/api/v1/admin/catalogs")).json()
        assert [(i["id"], i["used_by"]) for i in listed["code_sets"]] == [("standard", [])]
        assert [i["id"] for i in listed["conversation_contexts"]] == ["crm"]
        history = (await acme.get("/api/v1/admin/code-sets/standard/history")).json()
        assert [v["version"] for v in history] == [2, 1]

        theirs = (await globex.get("/api/v1/admin/catalogs")).json()
        assert theirs == {"code_sets": [], "conversation_contexts": []}
        assert (await globex.delete("/api/v1/admin/code-sets/standard")).status_code == 404
        assert (await globex.get("/api/v1/admin/code-sets/standard/history")).json() == []


async def test_catalog_items_follow_the_rules_of_a_services_codes_and_links(
    gateway: InProcessGateway,
) -> None:
    async with admin(gateway) as acme:
        other_id = await acme.put("/api/v1/admin/code-sets/other", json=CODE_SET)
        assert fields(other_id) == ["id"]
        twice = {**CODE_SET, "primary_codes": [{"id": "a", "label": "A"}] * 2}
        assert fields(await acme.put("/api/v1/admin/code-sets/standard", json=twice)) == [
            "primary_codes"
        ]
        data_host = {
            **CONTEXT,
            "context_links": [{"name": "X", "url_template": "https://{caller.email}/"}],
        }
        answer = await acme.put("/api/v1/admin/conversation-contexts/crm", json=data_host)
        assert fields(answer) == ["context_links.0.url_template"]
        assert (await acme.get("/api/v1/admin/catalogs")).json()["conversation_contexts"] == []


async def test_an_admin_removes_an_item_as_a_version_of_its_own(gateway: InProcessGateway) -> None:
    async with admin(gateway) as acme:
        await acme.put("/api/v1/admin/code-sets/standard", json=CODE_SET)
        removed = await acme.delete("/api/v1/admin/code-sets/standard")
        assert (removed.json()["version"], removed.json()["removed"]) == (2, True)
        assert (await acme.get("/api/v1/admin/catalogs")).json()["code_sets"] == []
        assert (await acme.delete("/api/v1/admin/code-sets/standard")).status_code == 404


async def test_an_owner_reads_the_catalog_and_enables_only_items_that_exist(
    gateway: InProcessGateway,
) -> None:
    async with admin(gateway) as acme, owner(gateway) as olivia:
        await acme.put("/api/v1/admin/code-sets/standard", json=CODE_SET)
        catalog = (await olivia.get("/api/v1/owner/catalogs")).json()
        assert [i["id"] for i in catalog["code_sets"]] == ["standard"]
        # Owners enable, never edit.
        edit = await olivia.put("/api/v1/admin/code-sets/standard", json=CODE_SET)
        assert edit.status_code == 403

        unknown = service(code_sets=["standard", "nope"], conversation_contexts=["crm"])
        answer = await olivia.put("/api/v1/owner/services/sales", json=unknown)
        assert fields(answer) == ["code_sets.1", "conversation_contexts.0"]
        assert gateway.fakes.settings.versions == {}  # nothing applied

        enabled = await olivia.put(
            "/api/v1/owner/services/sales", json=service(code_sets=["standard"])
        )
        assert enabled.status_code == 200, enabled.text
        assert enabled.json()["code_sets"] == ["standard"]
        assert enabled.json()["primary_codes"] == []  # stored by id, not copied
        used = (await acme.get("/api/v1/admin/catalogs")).json()["code_sets"]
        assert used[0]["used_by"] == ["sales"]
