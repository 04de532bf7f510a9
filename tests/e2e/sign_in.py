"""A production gateway whose page signs in at a real OpenID provider (``tests/oidc``), for
the browser tests: the provider knows the gateway's redirect URI, so the gateway's port is
bound first, then the provider starts, then the gateway trusting the provider's issuer and
keys (plain http on loopback, the one place the settings allow it)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from gateway_service.testing import RunningGateway, gateway_socket, running_gateway
from integration.scenario import AGENT, TENANT
from oidc.running import Account, Client, RunningProvider, running_provider
from playwright.async_api import Page

AUDIENCE = "urn:mysessions:gateway"
"""The gateway's audience, asked for by the page as a resource indicator (RFC 8707)."""
CLIENT_ID = "my-sessions-page"
AGENT_ACCOUNT = Account(
    login="agent.one",
    password="a test password",
    sub=AGENT,
    claims={"tenant_id": TENANT, "roles": ["agent"], "services": []},
)


@dataclass(frozen=True)
class SigningIn:
    provider: RunningProvider
    gateway: RunningGateway


@asynccontextmanager
async def signing_in_gateway(
    demo: RunningGateway, workdir: Path, *, refresh: bool = True, access_token_ttl_s: int = 300
) -> AsyncIterator[SigningIn]:
    """A production gateway on ``demo``'s servers, key prefix and database; its page signs
    in at a provider of its own. ``refresh``: the page's client may renew with a refresh
    token."""
    sock = gateway_socket()
    try:
        base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        client = Client(
            CLIENT_ID,
            redirect_uris=[f"{base_url}/auth/callback"],
            post_logout_redirect_uris=[f"{base_url}/auth/signed-out"],
            refresh=refresh,
        )
        async with running_provider(
            workdir,
            client=client,
            resource=AUDIENCE,
            accounts=[AGENT_ACCOUNT],
            access_token_ttl_s=access_token_ttl_s,
        ) as provider:
            settings = demo.settings.model_copy(
                update={
                    "mode": "production",
                    "demo_users": [],
                    "jwks_url": provider.jwks_url,
                    "issuer": provider.issuer,
                    "audience": AUDIENCE,
                    "oidc_client_id": CLIENT_ID,
                    "oidc_resource": AUDIENCE,
                }
            )
            async with running_gateway(settings, sock) as gateway:
                yield SigningIn(provider, gateway)
    finally:
        sock.close()


async def sign_in_at_provider(page: Page, signing_in: SigningIn) -> None:
    """Opens My Sessions, is sent to the provider's sign-in, signs in as the test agent and
    comes back to My Sessions with its list shown."""
    await page.goto(signing_in.gateway.base_url + "/")
    await page.wait_for_url(signing_in.provider.issuer + "/interaction/**")
    await page.get_by_label("Username").fill(AGENT_ACCOUNT.login)
    await page.get_by_label("Password").fill(AGENT_ACCOUNT.password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(signing_in.gateway.base_url + "/")
    await page.wait_for_selector("body[data-loaded='true']", timeout=20_000)


async def stored(page: Page) -> dict[str, str]:
    """The page's sessionStorage (its origin, this tab)."""
    found: dict[str, str] = await page.evaluate(
        "() => Object.fromEntries(Object.entries(sessionStorage))"
    )
    return found
