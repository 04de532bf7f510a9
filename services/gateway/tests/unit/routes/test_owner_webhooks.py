"""The owner's webhook routes, in process: an endpoint is registered only for an owned
service and a URL the rule allows, its secret is in the creation's answer only, and
another service's or tenant's endpoint is 404 like one that does not exist."""

import pytest

from .in_process import InProcessGateway

pytestmark = pytest.mark.unit

NEW = {
    "service_id": "sales",
    "url": "https://crm.example.com/hooks",
    "event_types": ["session.started"],
}


async def test_an_owner_registers_an_endpoint_and_sees_the_secret_once(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "olga", ("service_owner",), ("sales",)) as owner:
        created = await owner.post("/api/v1/owner/webhooks", json=NEW)
        assert created.status_code == 201, created.text
        assert created.json()["secret"].startswith("whsec_")
        assert created.json()["endpoint"]["include_caller"] is False  # off by default
        listed = await owner.get("/api/v1/owner/webhooks")
        assert [e["url"] for e in listed.json()] == [NEW["url"]]
        assert "whsec_" not in listed.text
        ident = created.json()["endpoint"]["endpoint_id"]
        assert (await owner.get(f"/api/v1/owner/webhooks/{ident}/deliveries")).json() == []
        assert (await owner.delete(f"/api/v1/owner/webhooks/{ident}")).status_code == 204
        assert (await owner.get("/api/v1/owner/webhooks")).json() == []


@pytest.mark.parametrize(
    "url", ["http://crm.example.com/", "https://10.0.0.7/", "https://169.254.169.254/"]
)
async def test_a_url_the_rule_refuses_is_422_naming_url(
    gateway: InProcessGateway, url: str
) -> None:
    async with gateway.client("acme", "olga", ("service_owner",), ("sales",)) as owner:
        answer = await owner.post("/api/v1/owner/webhooks", json={**NEW, "url": url})
        assert answer.status_code == 422
        assert [item["loc"][-1] for item in answer.json()["detail"]] == ["url"]
    assert gateway.fakes.webhooks.endpoints == {}


async def test_only_owned_services_and_the_own_tenant(gateway: InProcessGateway) -> None:
    async with gateway.client("acme", "olga", ("service_owner",), ("sales",)) as owner:
        refused = await owner.post("/api/v1/owner/webhooks", json={**NEW, "service_id": "billing"})
        assert refused.status_code == 403
        ident = (await owner.post("/api/v1/owner/webhooks", json=NEW)).json()["endpoint"][
            "endpoint_id"
        ]
    paths = [
        f"/api/v1/owner/webhooks/{ident}/deliveries",
        f"/api/v1/owner/webhooks/{ident}/dead-letters",
    ]
    async with gateway.client("acme", "bob", ("service_owner",), ("support",)) as other_owner:
        for path in paths:
            assert (await other_owner.get(path)).status_code == 404
        assert (await other_owner.delete(f"/api/v1/owner/webhooks/{ident}")).status_code == 404
        assert (await other_owner.get("/api/v1/owner/webhooks")).json() == []
    async with gateway.client("globex", "olga", ("service_owner",), ("sales",)) as foreign:
        assert (await foreign.get(paths[0])).status_code == 404
        answer = await foreign.post(f"/api/v1/owner/webhooks/{ident}/redeliver", json={})
        assert answer.status_code == 404
    assert list(gateway.fakes.webhooks.endpoints) == [ident]
