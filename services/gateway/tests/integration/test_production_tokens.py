"""Production mode: tokens are checked with the provider's keys from its JWKS URL, and the
demo's routes do not exist. The provider here is a demo gateway's own ``/demo/jwks.json``:
a real JWKS document served over HTTP, as an OpenID Connect provider serves it."""

import httpx
import pytest
from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.testing import RunningGateway, running_gateway

pytestmark = pytest.mark.integration


async def test_production_trusts_the_jwks_keys_only(gateway: RunningGateway) -> None:
    provider = f"{gateway.base_url}/demo/jwks.json"
    settings = gateway.settings.model_copy(
        update={"mode": "production", "jwks_url": provider, "issuer": None, "audience": None}
    )
    async with running_gateway(settings) as production:
        assert production.resources.demo is None
        signed = gateway.token("acme", "alice", ("agent",))  # by the provider's key
        foreign = DemoSigner.generate(settings).token("acme", "alice", ("agent",))
        async with httpx.AsyncClient(base_url=production.base_url) as client:
            me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {signed}"})
            refused = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {foreign}"})
            demo_routes = [
                await client.get("/demo/jwks.json"),
                await client.post("/demo/token", json={}),
                await client.get("/signin"),
            ]
    assert me.status_code == 200
    assert me.json()["user_id"] == "alice"
    assert refused.status_code == 401
    assert [answer.status_code for answer in demo_routes] == [404, 404, 404]


async def test_issuer_and_audience_are_checked_when_configured(gateway: RunningGateway) -> None:
    settings = gateway.settings.model_copy(
        update={
            "mode": "production",
            "jwks_url": f"{gateway.base_url}/demo/jwks.json",
            "issuer": "https://idp.example.com",
            "audience": "my-sessions",
        }
    )
    async with running_gateway(settings) as production:
        right = gateway.signer.token(
            "acme", "alice", ("agent",), iss="https://idp.example.com", aud="my-sessions"
        )
        wrong_audience = gateway.signer.token(
            "acme", "alice", ("agent",), iss="https://idp.example.com", aud="other-app"
        )
        unissued = gateway.signer.token("acme", "alice", ("agent",), aud="my-sessions")
        async with httpx.AsyncClient(base_url=production.base_url) as client:
            answers = [
                (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {t}"}))
                for t in (right, wrong_audience, unissued)
            ]
    assert [answer.status_code for answer in answers] == [200, 401, 401]
