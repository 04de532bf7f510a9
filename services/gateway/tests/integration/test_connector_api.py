"""The connector API on a real uvicorn, MongoDB, Redis and Kafka: a key's whole life (made
by the admin, shown once, used, its last use written once a minute, revoked and refused),
tenants kept apart, the rate per key (429 with Retry-After, each key its own budget), the
changes on the connector topic as contract events, and unprovisioning erasing the keys."""

from datetime import UTC, datetime, timedelta
from typing import Any

import contracts as c
import httpx
import pytest
from context_service.adapters.live_store import LiveContextStore
from context_service.domain import LiveContext, Stay
from gateway_service.connector.key_store import CONNECTOR_KEYS
from gateway_service.testing import RunningGateway
from mysessions_platform.testing.kafka_reading import read_records

pytestmark = pytest.mark.integration

RATE = 5
KEYS = "/api/v1/admin/connector-keys"
T0 = datetime.now(UTC)


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    return {"connector_requests_per_minute": RATE}


async def live_session(gateway: RunningGateway, tenant: str, session: str) -> None:
    """The session's live context as the context worker keeps it: in support, then sales."""
    store = LiveContextStore(
        gateway.resources.redis,
        gateway.settings.queue_key_prefix,
        timedelta(minutes=10),
        timedelta(minutes=10),
    )
    stays = (
        Stay(f"{session}:1", "support", "Support", T0, left_at=T0, left_how="transferred"),
        Stay(f"{session}:2", "sales", "Sales", T0),
    )
    await store.save(LiveContext(tenant, session, started_at=T0, stays=stays))


async def make_key(gateway: RunningGateway, tenant: str, **body: Any) -> dict[str, Any]:
    headers = gateway.headers(tenant, "root", ("tenant_admin",))
    request = {"name": "CRM flow", "services": ["sales"], "actions": ["set_parameters"], **body}
    async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers) as admin:
        made = await admin.post(KEYS, json=request)
    assert made.status_code == 201, made.text
    created: dict[str, Any] = made.json()
    return created


async def listed(gateway: RunningGateway, tenant: str) -> list[dict[str, Any]]:
    headers = gateway.headers(tenant, "root", ("tenant_admin",))
    async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers) as admin:
        answer = await admin.get(KEYS)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def flow(gateway: RunningGateway, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=gateway.base_url, headers={"X-API-Key": key})


def ticket(value: str) -> dict[str, Any]:
    return {"service_id": "sales", "parameters": {"Ticket ID": value}}


async def test_a_key_is_made_used_and_revoked(gateway: RunningGateway) -> None:
    await live_session(gateway, "acme", "s1")
    made = await make_key(gateway, "acme")
    secret = made["key"]

    stored = await gateway.resources.database[CONNECTOR_KEYS].find_one({"key_id": made["key_id"]})
    assert stored is not None
    assert secret not in str(stored), "only the digest is kept"
    assert "key" not in (await listed(gateway, "acme"))[0]

    async with flow(gateway, secret) as client:
        first = await client.post("/api/v1/connector/sessions/s1/parameters", json=ticket("T-1"))
        second = await client.post("/api/v1/connector/sessions/s1/parameters", json=ticket("T-2"))
    assert first.status_code == second.status_code == 202, (first.text, second.text)
    (key,) = await listed(gateway, "acme")
    assert key["last_used_at"] is not None
    used_at = key["last_used_at"]

    records = await read_records(
        gateway.settings.kafka_bootstrap_servers, gateway.settings.connector_topic, 2
    )
    events = [c.decode_session_event(r.value or b"") for r in records]
    assert [r.key for r in records] == [b"s1", b"s1"]
    assert [e.parameters for e in events if isinstance(e, c.CustomParametersUpdated)] == [
        {"Ticket ID": "T-1"},
        {"Ticket ID": "T-2"},
    ]
    assert {
        (e.tenant_id, e.service_session_id)
        for e in events
        if isinstance(e, c.CustomParametersUpdated)
    } == {("acme", "s1:2")}

    headers = gateway.headers("acme", "root", ("tenant_admin",))
    async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers) as admin:
        revoked = await admin.post(f"{KEYS}/{made['key_id']}/revoke")
    assert revoked.status_code == 200, revoked.text
    async with flow(gateway, secret) as client:
        refused = await client.post("/api/v1/connector/sessions/s1/parameters", json=ticket("T-3"))
    assert refused.status_code == 401
    assert refused.json() == {"detail": "the API key was revoked"}
    (key,) = await listed(gateway, "acme")
    assert key["revoked_at"] is not None
    assert key["last_used_at"] == used_at, "written once a minute, not per request"


async def test_a_key_reaches_only_its_tenants_sessions(gateway: RunningGateway) -> None:
    await live_session(gateway, "acme", "s1")
    other = (await make_key(gateway, "globex"))["key"]
    async with flow(gateway, other) as client:
        theirs = await client.post("/api/v1/connector/sessions/s1/parameters", json=ticket("T-1"))
        nobody = await client.post("/api/v1/connector/sessions/s404/parameters", json=ticket("T-1"))
        own = await client.get("/api/v1/connector/key")
    assert theirs.status_code == nobody.status_code == 404
    assert theirs.json() == nobody.json()
    assert own.json()["tenant_id"] == "globex"
    assert [k["key_id"] for k in await listed(gateway, "acme")] == []


async def test_a_key_outside_its_scope_is_refused(gateway: RunningGateway) -> None:
    await live_session(gateway, "acme", "s1")
    support = (await make_key(gateway, "acme", services=["support"], actions=["set_caller"]))["key"]
    async with flow(gateway, support) as client:
        action = await client.post("/api/v1/connector/sessions/s1/parameters", json=ticket("T-1"))
        service = await client.put(
            "/api/v1/connector/sessions/s1/caller",
            json={"service_session_id": "s1:2", "display_name": "Jane Roe"},
        )
        left = await client.put(
            "/api/v1/connector/sessions/s1/caller",
            json={"service_session_id": "s1:1", "display_name": "Jane Roe"},
        )
    assert (action.status_code, service.status_code, left.status_code) == (403, 403, 409)


async def test_each_key_has_its_own_rate(gateway: RunningGateway) -> None:
    await live_session(gateway, "acme", "s1")
    busy, calm = (await make_key(gateway, "acme"))["key"], (await make_key(gateway, "acme"))["key"]
    async with flow(gateway, busy) as client:
        answers = [await client.get("/api/v1/connector/key") for _ in range(RATE + 1)]
    assert [a.status_code for a in answers] == [200] * RATE + [429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert f"at most {RATE} requests with this API key a minute" in answers[-1].json()["detail"]
    async with flow(gateway, calm) as client:
        assert (await client.get("/api/v1/connector/key")).status_code == 200


async def test_unprovisioning_erases_the_tenants_keys_and_a_service_leaves_their_scope(
    gateway: RunningGateway,
) -> None:
    await make_key(gateway, "acme")
    kept = await make_key(gateway, "globex", services=["sales", "support"])
    for tenant, scope, service in (("globex", "service", "support"), ("acme", "tenant", None)):
        headers = gateway.headers(tenant, "root", ("tenant_admin",))
        body = {"scope": scope, "service_id": service, "confirm": service or tenant}
        async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers) as admin:
            answer = await admin.post("/api/v1/admin/unprovision", json=body)
        assert answer.status_code == 200, answer.text
    assert await listed(gateway, "acme") == []
    (left,) = await listed(gateway, "globex")
    assert (left["key_id"], left["services"]) == (kept["key_id"], ["sales"])
