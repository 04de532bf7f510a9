"""Tokens, in process: a valid token of the configured issuer is the caller; anything else
is 401 and says why, not who."""

import pytest

from .in_process import InProcessGateway

pytestmark = pytest.mark.unit


async def test_me_names_the_tokens_caller(gateway: InProcessGateway) -> None:
    headers = gateway.headers("acme", "alice", ("agent", "service_owner"), ("sales",))
    async with gateway.anonymous() as client:
        answer = await client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 200
    assert answer.json() == {
        "tenant_id": "acme",
        "user_id": "alice",
        "roles": ["agent", "service_owner"],
        "services": ["sales"],
    }


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-jwt", "Basic YWxpY2U6eA==", "Bearer " + "x" * 20_000],
)
async def test_no_valid_token_is_401(gateway: InProcessGateway, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    async with gateway.anonymous() as client:
        answer = await client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert set(answer.json()) == {"detail"}


async def test_expired_and_foreign_tokens_are_401(gateway: InProcessGateway) -> None:
    expired = gateway.signer.token("acme", "alice", ("agent",), lifetime_s=-3600)
    from gateway_service.auth.demo_keys import DemoSigner

    foreign = DemoSigner.with_new_key(gateway.settings).token("acme", "alice", ("agent",))
    async with gateway.anonymous() as client:
        for token, says in [(expired, "expired"), (foreign, "not valid")]:
            answer = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401
            assert says in answer.json()["detail"]


async def test_a_token_without_known_roles_or_tenant_is_401(gateway: InProcessGateway) -> None:
    no_role = gateway.signer.token("acme", "alice", ())
    bad_tenant = gateway.signer.token("has space", "alice", ("agent",))
    async with gateway.anonymous() as client:
        for token in (no_role, bad_tenant):
            answer = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401, answer.text
            assert "acme" not in answer.text
            assert "has space" not in answer.text
