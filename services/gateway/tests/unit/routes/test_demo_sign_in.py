"""Demo mode's ``POST /demo/token`` signs the registered demo users only, each with exactly
the claims the demo registered: reaching a demo port never mints another tenant, user or
role (a ``tenant_admin`` of a real tenant, say)."""

from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from gateway_service.settings import DemoUser

from .in_process import InProcessGateway, in_process_gateway

pytestmark = pytest.mark.unit

AGENT = DemoUser(label="Agent", tenant_id="demo-1", user_id="agent-1", roles=["agent"])
OWNER = DemoUser(
    label="Owner",
    tenant_id="demo-1",
    user_id="owner-1",
    roles=["service_owner"],
    services=["sales", "support"],
)


@pytest.fixture
async def gateway() -> AsyncIterator[InProcessGateway]:
    """Demo mode, in process, with two registered demo users."""
    async with in_process_gateway(demo=True, demo_users=[AGENT, OWNER]) as running:
        yield running


async def test_a_registered_demo_user_gets_exactly_its_registered_claims(
    gateway: InProcessGateway,
) -> None:
    async with gateway.anonymous() as client:
        answer = await client.post(
            "/demo/token", json={"tenant_id": "demo-1", "user_id": "owner-1"}
        )
        assert answer.status_code == 200
        token = answer.json()["access_token"]
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["tenant_id"], claims["sub"]) == ("demo-1", "owner-1")
    assert (claims["roles"], claims["services"]) == (["service_owner"], ["sales", "support"])
    assert me.json() == {
        "tenant_id": "demo-1",
        "user_id": "owner-1",
        "roles": ["service_owner"],
        "services": ["sales", "support"],
    }


@pytest.mark.parametrize(
    "body",
    [
        {"tenant_id": "acme", "user_id": "agent-1"},  # a registered user of another tenant
        {"tenant_id": "demo-1", "user_id": "admin-1"},  # not registered
        {"tenant_id": "demo-1", "user_id": "owner-2"},
    ],
)
async def test_anyone_else_is_refused(gateway: InProcessGateway, body: dict[str, Any]) -> None:
    async with gateway.anonymous() as client:
        answer = await client.post("/demo/token", json=body)
    assert answer.status_code == 404
    assert "demo users only" in answer.json()["detail"]
    assert "access_token" not in answer.text


@pytest.mark.parametrize(
    "claims",
    [
        {"roles": ["tenant_admin"]},  # more roles than registered
        {"roles": ["agent"], "services": ["billing"]},
        {"tenant_id": "acme", "user_id": "agent-1", "roles": ["tenant_admin"]},
    ],
)
async def test_a_body_never_says_what_the_token_claims(
    gateway: InProcessGateway, claims: dict[str, Any]
) -> None:
    body = {"tenant_id": "demo-1", "user_id": "agent-1", **claims}
    async with gateway.anonymous() as client:
        answer = await client.post("/demo/token", json=body)
    assert answer.status_code in (404, 422)
    assert "access_token" not in answer.text
