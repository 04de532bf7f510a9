"""Production mode: tokens are checked with the provider's keys from its JWKS URL, for the
configured issuer and audience, and the demo's routes do not exist. The provider here is a
demo gateway's own ``/demo/jwks.json``: a real JWKS document served over HTTP (on loopback,
the one place plain HTTP is allowed), as an OpenID Connect provider serves it."""

import httpx
import pytest
from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.settings import GatewaySettings
from gateway_service.testing import RunningGateway, running_gateway

pytestmark = pytest.mark.integration

ISSUER = "https://idp.example.com"
AUDIENCE = "my-sessions"


def production(gateway: RunningGateway) -> GatewaySettings:
    """Production settings trusting ``gateway``'s demo key set, for ISSUER and AUDIENCE."""
    return gateway.settings.model_copy(
        update={
            "mode": "production",
            "jwks_url": f"{gateway.base_url}/demo/jwks.json",
            "issuer": ISSUER,
            "audience": AUDIENCE,
        }
    )


async def test_production_trusts_the_jwks_keys_only(gateway: RunningGateway) -> None:
    settings = production(gateway)
    async with running_gateway(settings) as running:
        assert running.resources.demo is None
        signed = gateway.token("acme", "alice", ("agent",), iss=ISSUER, aud=AUDIENCE)
        foreign = DemoSigner.with_new_key(settings).token("acme", "alice", ("agent",))
        async with httpx.AsyncClient(base_url=running.base_url) as client:
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


async def test_only_the_configured_issuer_and_audience_are_accepted(
    gateway: RunningGateway,
) -> None:
    """One key set often serves many issuers (tenants, apps): the key alone proves
    nothing, so a token of another issuer or for another audience, signed by the very key
    the JWKS URL serves, is refused."""
    async with running_gateway(production(gateway)) as running:
        sign = gateway.signer.token
        right = sign("acme", "alice", ("agent",), iss=ISSUER, aud=AUDIENCE)
        other_issuer = sign("acme", "alice", ("agent",), iss="https://other.example", aud=AUDIENCE)
        wrong_audience = sign("acme", "alice", ("agent",), iss=ISSUER, aud="other-app")
        unissued = sign("acme", "alice", ("agent",), aud=AUDIENCE)
        no_audience = sign("acme", "alice", ("agent",), iss=ISSUER)
        async with httpx.AsyncClient(base_url=running.base_url) as client:
            answers = [
                (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {t}"}))
                for t in (right, other_issuer, wrong_audience, unissued, no_audience)
            ]
    assert [answer.status_code for answer in answers] == [200, 401, 401, 401, 401]
