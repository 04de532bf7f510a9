"""Production mode against a real OpenID provider (panva's oidc-provider, ``tests/oidc``):
the gateway verifies the provider's own access tokens by its JWKS, for its issuer and this
app's audience only, and tells the page where to sign in, with a policy that lets the page
reach that provider and nothing else."""

from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from gateway_service.page.security import CONTENT_SECURITY_POLICY
from gateway_service.settings import GatewaySettings
from gateway_service.testing import RunningGateway, running_gateway
from oidc.headless import sign_in
from oidc.running import Account, Client, RunningProvider, running_provider

pytestmark = pytest.mark.integration

AUDIENCE = "urn:mysessions:gateway"
# The headless sign-in reads the code from the redirect and never follows it.
CLIENT = Client("my-sessions-page", ["http://127.0.0.1:9/auth/callback"])
ALICE = Account(
    "alice", "correct horse", "alice", {"tenant_id": "acme", "roles": ["agent"], "services": []}
)


def production(gateway: RunningGateway, provider: RunningProvider) -> GatewaySettings:
    return gateway.settings.model_copy(
        update={
            "mode": "production",
            "jwks_url": provider.jwks_url,
            "issuer": provider.issuer,
            "audience": AUDIENCE,
            "oidc_client_id": CLIENT.client_id,
            "oidc_resource": AUDIENCE,
        }
    )


async def me(base_url: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url) as client:
        return await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def key_id(token: str) -> Any:
    return jwt.get_unverified_header(token)["kid"]


async def test_the_providers_access_token_is_accepted_and_another_issuers_is_refused(
    gateway: RunningGateway, tmp_path: Path
) -> None:
    """Both providers sign with one key (one key set often serves many issuers), so the
    other issuer's token passes the signature check and is refused for its issuer alone.
    The ID token, signed by the trusted provider too, is for the page (its audience is the
    client id), not for this API: refused."""
    shared_key = tmp_path / "key.json"
    accounts = [ALICE]
    async with (
        running_provider(
            tmp_path / "trusted",
            client=CLIENT,
            resource=AUDIENCE,
            accounts=accounts,
            key_file=shared_key,
        ) as trusted,
        running_provider(
            tmp_path / "other",
            client=CLIENT,
            resource=AUDIENCE,
            accounts=accounts,
            key_file=shared_key,
        ) as other,
        running_gateway(production(gateway, trusted)) as running,
    ):
        ours = await sign_in(trusted.issuer, CLIENT, AUDIENCE, ALICE)
        theirs = await sign_in(other.issuer, CLIENT, AUDIENCE, ALICE)
        assert key_id(ours["access_token"]) == key_id(theirs["access_token"])
        accepted = await me(running.base_url, ours["access_token"])
        other_issuer = await me(running.base_url, theirs["access_token"])
        id_token = await me(running.base_url, ours["id_token"])
    assert accepted.status_code == 200
    assert accepted.json()["user_id"] == "alice"
    assert accepted.json()["tenant_id"] == "acme"
    assert other_issuer.status_code == 401
    assert id_token.status_code == 401


async def test_the_page_is_told_where_to_sign_in_and_may_reach_only_that_provider(
    gateway: RunningGateway, tmp_path: Path
) -> None:
    async with (
        running_provider(tmp_path, client=CLIENT, resource=AUDIENCE, accounts=[ALICE]) as idp,
        running_gateway(production(gateway, idp)) as running,
        httpx.AsyncClient(base_url=running.base_url) as client,
    ):
        config = await client.get("/auth/config")
        page = await client.get("/")
        pages = [(await client.get(path)).status_code for path in ("/auth/callback", "/signin")]
    assert config.json() == {
        "mode": "production",
        "issuer": idp.issuer,
        "client_id": CLIENT.client_id,
        "scope": "openid offline_access",
        "resource": AUDIENCE,
        "redirect_path": "/auth/callback",
        "post_logout_path": "/auth/signed-out",
    }
    assert config.headers["cache-control"] == "no-store"
    directives = dict(d.split(" ", 1) for d in page.headers["content-security-policy"].split("; "))
    assert directives["connect-src"] == f"'self' {idp.issuer}"
    assert pages == [200, 404]


async def test_demo_mode_signs_in_at_its_own_page_and_reaches_no_provider(
    gateway: RunningGateway,
) -> None:
    async with httpx.AsyncClient(base_url=gateway.base_url) as client:
        config = await client.get("/auth/config")
        page = await client.get("/")
        callback = await client.get("/auth/callback")
    assert config.json()["mode"] == "demo"
    assert config.json()["issuer"] is None
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert callback.status_code == 404
