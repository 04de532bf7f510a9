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
        foreign = DemoSigner.generate(settings).token("acme", "alice", ("agent",))
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


@pytest.mark.parametrize(
    "unsafe",
    [
        {"issuer": None},
        {"audience": None},
        {"jwks_url": "http://idp.example.com/jwks.json"},
        {"mode": "demo"},  # demo mode beside a production identity provider
    ],
)
async def test_a_gateway_with_unsafe_sign_in_settings_does_not_start(
    gateway: RunningGateway, unsafe: dict[str, object]
) -> None:
    """Also when the settings were changed after validation (``model_copy``)."""
    settings = production(gateway).model_copy(update=unsafe)
    with pytest.raises(ValueError, match="GATEWAY_"):
        async with running_gateway(settings):
            pass  # pragma: no cover - never started


async def test_production_serves_no_docs_pages_but_its_openapi(gateway: RunningGateway) -> None:
    """FastAPI's /docs and /redoc load scripts from a public CDN without integrity, outside
    the page's CSP: neither exists, in production or demo mode."""
    async with running_gateway(production(gateway)) as running:
        for base_url in (running.base_url, gateway.base_url):
            async with httpx.AsyncClient(base_url=base_url) as client:
                docs = [(await client.get(path)).status_code for path in ("/docs", "/redoc")]
                schema = await client.get("/openapi.json")
            assert docs == [404, 404]
            assert schema.status_code == 200
