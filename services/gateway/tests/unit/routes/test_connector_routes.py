"""The connector API in process, over fakes: a key's tenant, actions and services bound
what it may change; each call publishes one contract event keyed by the session; bodies are
refused by the events' own rules; the admin makes (shown once), lists and revokes keys."""

from datetime import UTC, datetime
from typing import Any

import contracts as c
import pytest
from context_service.read import LiveStay
from gateway_service.connector.keys import Action, new_key

from .in_process import CONNECTOR_TOPIC, InProcessGateway

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
PARAMS = "/api/v1/connector/sessions/s1/parameters"


async def a_key(
    gateway: InProcessGateway,
    tenant: str = "acme",
    services: tuple[str, ...] = ("sales",),
    actions: tuple[Action, ...] = ("set_parameters", "remove_parameters", "set_caller"),
) -> dict[str, str]:
    made = new_key(tenant, "Flow", services, actions, "admin", NOW)
    await gateway.fakes.keys.add(made.record)
    return {"X-API-Key": made.secret}


def live(gateway: InProcessGateway, tenant: str = "acme") -> None:
    gateway.fakes.live_sessions.sessions[(tenant, "s1")] = [
        LiveStay("s1:1", "support", open=False),
        LiveStay("s1:2", "sales", open=True),
    ]


def published(gateway: InProcessGateway) -> list[Any]:
    sent = gateway.fakes.published.sent
    assert all(topic == CONNECTOR_TOPIC and key == b"s1" for topic, key, _ in sent)
    return [c.decode_session_event(value) for _, _, value in sent]


async def test_a_key_sets_and_removes_parameters_of_its_service(gateway: InProcessGateway) -> None:
    live(gateway)
    headers = await a_key(gateway)
    async with gateway.anonymous(headers) as client:
        answer = await client.post(
            PARAMS, json={"service_id": "sales", "parameters": {"Ticket ID": "T-7"}}
        )
        assert answer.status_code == 202, answer.text
        assert answer.json()["service_session_id"] == "s1:2"
        removed = await client.post(
            f"{PARAMS}/remove", json={"service_session_id": "s1:2", "names": ["Ticket ID"]}
        )
        assert removed.status_code == 202, removed.text
    first, second = published(gateway)
    assert isinstance(first, c.CustomParametersUpdated)
    assert (first.tenant_id, first.service_session_id, first.parameters) == (
        "acme",
        "s1:2",
        {"Ticket ID": "T-7"},
    )
    assert str(first.event_id) == answer.json()["event_id"]
    assert isinstance(second, c.CustomParametersUpdated)
    assert second.removed == ("Ticket ID",)
    assert gateway.fakes.keys.uses == 1, "the last use is written once a minute, not per call"


async def test_a_key_sets_the_caller(gateway: InProcessGateway) -> None:
    live(gateway)
    async with gateway.anonymous(await a_key(gateway)) as client:
        body = {
            "service_id": "sales",
            "display_name": " Jane Roe ",
            "company": "Roe Ltd",
            "email": "jane@roe.example",
            "phone": "+41 44 000 00 00",
        }
        answer = await client.put("/api/v1/connector/sessions/s1/caller", json=body)
    assert answer.status_code == 202, answer.text
    (event,) = published(gateway)
    assert isinstance(event, c.CallerDetailsUpdated)
    assert (event.display_name, event.company, event.city) == ("Jane Roe", "Roe Ltd", None)


async def test_a_session_of_another_tenant_reads_as_no_session_at_all(
    gateway: InProcessGateway,
) -> None:
    live(gateway, tenant="other")
    async with gateway.anonymous(await a_key(gateway)) as client:
        theirs = await client.post(PARAMS, json={"service_id": "sales", "parameters": {"A": "1"}})
        nobody = await client.post(
            PARAMS.replace("s1", "s9"), json={"service_id": "sales", "parameters": {"A": "1"}}
        )
    assert theirs.status_code == nobody.status_code == 404
    assert theirs.json() == nobody.json() == {"detail": "no such live session"}
    assert gateway.fakes.published.sent == []


async def test_a_key_outside_its_actions_or_services_is_refused(gateway: InProcessGateway) -> None:
    live(gateway)
    only_caller = await a_key(gateway, actions=("set_caller",))
    support_only = await a_key(gateway, services=("support", "billing"))
    async with gateway.anonymous() as client:
        action = await client.post(
            PARAMS, headers=only_caller, json={"service_id": "sales", "parameters": {"A": "1"}}
        )
        named = await client.post(
            PARAMS, headers=support_only, json={"service_id": "sales", "parameters": {"A": "1"}}
        )
        found = await client.post(
            PARAMS,
            headers=support_only,
            json={"service_session_id": "s1:2", "parameters": {"A": "1"}},
        )
    assert action.status_code == named.status_code == found.status_code == 403
    assert "set_parameters" in action.json()["detail"]
    assert named.json() == found.json() == {"detail": "this API key does not cover that service"}
    assert gateway.fakes.published.sent == []


async def test_a_revoked_or_forged_key_is_refused(gateway: InProcessGateway) -> None:
    live(gateway)
    headers = await a_key(gateway)
    key_id = headers["X-API-Key"].split("_")[1]
    forged = {"X-API-Key": f"msk_{key_id}_{'A' * 43}"}
    await gateway.fakes.keys.revoke("acme", key_id, NOW)
    async with gateway.anonymous() as client:
        revoked = await client.post(
            PARAMS, headers=headers, json={"service_id": "sales", "parameters": {"A": "1"}}
        )
        wrong = await client.post(
            PARAMS, headers=forged, json={"service_id": "sales", "parameters": {"A": "1"}}
        )
    assert (revoked.status_code, revoked.json()["detail"]) == (401, "the API key was revoked")
    assert (wrong.status_code, wrong.json()["detail"]) == (401, "the API key is not valid")
    assert gateway.fakes.published.sent == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (PARAMS, {"service_id": "sales", "parameters": {"Ticket": "x" * 5_121}}, "parameters"),
        (PARAMS, {"service_id": "sales", "parameters": {"{Ticket}": "1"}}, "parameters"),
        (PARAMS, {"service_id": "sales", "parameters": {}}, "parameters"),
        (PARAMS, {"parameters": {"A": "1"}}, "body"),
        (
            PARAMS,
            {"service_id": "sales", "service_session_id": "s1:2", "parameters": {"A": "1"}},
            "body",
        ),
        (f"{PARAMS}/remove", {"service_id": "sales", "names": []}, "names"),
        (
            "/api/v1/connector/sessions/s1/caller",
            {"service_id": "sales", "display_name": "Jane\r\nBcc: x"},
            "display_name",
        ),
        ("/api/v1/connector/sessions/s1/caller", {"service_id": "sales", "city": "Zurich"}, "body"),
        (
            "/api/v1/connector/sessions/s1/caller",
            {"service_id": "sales", "email": "nobody"},
            "email",
        ),
    ],
)
async def test_a_body_is_refused_by_the_rules_of_its_event(
    gateway: InProcessGateway, path: str, body: dict[str, Any], field: str
) -> None:
    live(gateway)
    async with gateway.anonymous(await a_key(gateway)) as client:
        answer = await client.request("PUT" if path.endswith("caller") else "POST", path, json=body)
    assert answer.status_code == 422, answer.text
    assert any(field in problem["loc"] for problem in answer.json()["detail"]), answer.text
    assert gateway.fakes.published.sent == []


async def test_the_total_of_all_parameters_is_capped_as_in_the_event(
    gateway: InProcessGateway,
) -> None:
    live(gateway)
    many = {f"P{n}": "x" * 5_000 for n in range(7)}  # each value fits; together above 32,768
    async with gateway.anonymous(await a_key(gateway)) as client:
        answer = await client.post(PARAMS, json={"service_id": "sales", "parameters": many})
    assert answer.status_code == 422, answer.text
    assert "32768" in answer.text
    assert gateway.fakes.published.sent == []


async def test_the_admin_makes_a_key_shown_once_lists_and_revokes_it(
    gateway: InProcessGateway,
) -> None:
    keys = "/api/v1/admin/connector-keys"
    async with gateway.client("acme", "root", ("tenant_admin",)) as admin:
        made = await admin.post(
            keys, json={"name": "Dynamics flow", "services": ["sales"], "actions": ["set_caller"]}
        )
        assert made.status_code == 201, made.text
        secret, key_id = made.json()["key"], made.json()["key_id"]
        listed = await admin.get(keys)
        assert secret not in listed.text
        assert [k["key_id"] for k in listed.json()["items"]] == [key_id]
        assert listed.json()["items"][0]["created_by"] == "root"
        revoked = await admin.post(f"{keys}/{key_id}/revoke")
        assert revoked.status_code == 200
        assert revoked.json()["revoked_at"] is not None
    async with gateway.client("other", "root", ("tenant_admin",)) as stranger:
        assert (await stranger.get(keys)).json() == {"items": []}
        assert (await stranger.post(f"{keys}/{key_id}/revoke")).status_code == 404
    async with gateway.anonymous({"X-API-Key": secret}) as flow:
        assert (await flow.get("/api/v1/connector/key")).status_code == 401
