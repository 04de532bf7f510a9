"""Production sign-in in Debian's Chromium, against a real OpenID provider running here
(panva's oidc-provider, ``tests/oidc``): the page signs in with the authorization code flow
and PKCE, calls the API with the provider's access token, renews it before it expires, says
"Your session ended — sign in again" when it cannot, and signs out at the provider."""

import base64
import hashlib
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import jwt
import pytest
from gateway_service.testing import RunningGateway
from integration.scenario import AGENT, TENANT
from playwright.async_api import BrowserContext, ConsoleMessage, Page, Request, expect

from .browser import axe_violations, screenshot
from .calls import ended_call, hours_ago
from .sign_in import AUDIENCE, CLIENT_ID, sign_in_at_provider, signing_in_gateway, stored
from .world import World

pytestmark = pytest.mark.e2e

ENDED = "Your session ended — sign in again"


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def query(request: Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def problems_of(page: Page) -> list[str]:
    """Errors the page logs (a blocked connection, a policy violation, a failed script)."""
    found: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security" in message.text:
            found.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


async def test_the_page_signs_in_at_the_provider_with_pkce_and_shows_my_sessions(
    browser: BrowserContext, world: World, tmp_path: Path
) -> None:
    for n, session_id in enumerate(["s-sso-0", "s-sso-1"]):
        await world.raw.send_all(ended_call(session_id, hours_ago(2 + n)))
    await world.listed([f"s-sso-{n}:1:{AGENT}" for n in range(2)])
    async with signing_in_gateway(world.gateway, tmp_path) as signing_in:
        issuer, base = signing_in.provider.issuer, signing_in.gateway.base_url
        page = await browser.new_page()
        problems = problems_of(page)
        requests: list[Request] = []
        page.on("request", lambda request: requests.append(request))

        await sign_in_at_provider(page, signing_in)
        await expect(page.locator("#who")).to_have_text(f"{AGENT} · {TENANT}")
        await expect(page.locator("li.task")).to_have_count(2)
        await screenshot(page, "sign-in-at-provider")

        # The sign-in request: code flow, PKCE S256, state, nonce, the gateway as resource.
        asked = query(next(r for r in requests if r.url.startswith(f"{issuer}/auth?")))
        assert asked["response_type"] == ["code"]
        assert asked["client_id"] == [CLIENT_ID]
        assert asked["redirect_uri"] == [f"{base}/auth/callback"]
        assert asked["code_challenge_method"] == ["S256"]
        assert asked["resource"] == [AUDIENCE]
        assert len(asked["state"][0]) >= 16
        assert len(asked["nonce"][0]) >= 16
        # The code was redeemed with the verifier whose S256 hash the sign-in sent.
        redeem = next(r for r in requests if r.url == f"{issuer}/token")
        form = parse_qs(redeem.post_data or "")
        assert form["grant_type"] == ["authorization_code"]
        assert s256(form["code_verifier"][0]) == asked["code_challenge"][0]
        assert "client_secret" not in form

        # The verifier and state lived for the round trip only; the access token the API is
        # called with is the provider's, for the gateway's audience.
        kept = await stored(page)
        assert "mysessions.signin" not in kept
        access = kept["mysessions.token"]
        claims = jwt.decode(access, options={"verify_signature": False})
        assert (claims["iss"], claims["aud"], claims["sub"]) == (issuer, AUDIENCE, AGENT)
        api_calls = [r for r in requests if r.url.startswith(f"{base}/api/v1/")]
        assert api_calls
        assert {r.headers.get("authorization") for r in api_calls} == {f"Bearer {access}"}
        assert await page.evaluate("localStorage.length") == 0

        # Signing out ends the provider's session too: the next sign-in asks for the password.
        await page.get_by_role("button", name="Sign out").click()
        await page.wait_for_url(f"{issuer}/session/end**")
        await page.get_by_role("button", name="Yes, sign me out").click()
        await page.wait_for_url(f"{base}/auth/signed-out")
        assert await stored(page) == {}
        await page.get_by_role("link", name="Sign in again").click()
        await page.wait_for_url(f"{issuer}/interaction/**")
        await expect(page.get_by_label("Password")).to_be_visible()
    assert problems == []


async def test_the_session_is_renewed_before_it_expires_and_ends_with_a_prompt_when_it_cannot_be(
    browser: BrowserContext, axe: str, gateway: RunningGateway, tmp_path: Path
) -> None:
    """Access tokens of 8 s: renewed with the refresh token 2 s before they expire; once the
    provider is gone, renewal fails and, by the token's expiry, the page says so."""
    async with signing_in_gateway(gateway, tmp_path, access_token_ttl_s=8) as signing_in:
        page = await browser.new_page()
        requests: list[Request] = []
        page.on("request", lambda request: requests.append(request))
        await sign_in_at_provider(page, signing_in)
        first = (await stored(page))["mysessions.token"]
        await page.wait_for_function(
            "first => sessionStorage.getItem('mysessions.token') !== first",
            arg=first,
            timeout=15_000,
        )
        renewals = [
            parse_qs(r.post_data or "")["grant_type"]
            for r in requests
            if r.url == f"{signing_in.provider.issuer}/token"
        ]
        assert renewals == [["authorization_code"], ["refresh_token"]]
        renewed = (await stored(page))["mysessions.token"]
        assert (
            await page.evaluate(
                """async (token) => (await fetch("/api/v1/me",
                {headers: {Authorization: "Bearer " + token}})).status""",
                renewed,
            )
            == 200
        )

        await signing_in.provider.stop()
        prompt = page.get_by_role("dialog", name=ENDED)
        await expect(prompt).to_be_visible(timeout=20_000)
        await expect(prompt.get_by_role("button", name="Sign in again")).to_be_focused()
        assert "mysessions.token" not in await stored(page)
        # The live stream, let in while the token was valid, stops updating the page too.
        await expect(page.locator("#live-status")).to_have_attribute("data-state", "ended")
        assert await axe_violations(page, axe) == []
        await screenshot(page, "sign-in-session-ended")


async def test_without_a_refresh_token_the_prompt_shows_at_expiry_and_signs_in_again(
    browser: BrowserContext, gateway: RunningGateway, tmp_path: Path
) -> None:
    """A provider that offers no refresh token: at the token's expiry the page says the
    session ended; "Sign in again" goes to the provider, whose own session still stands, so
    the agent comes back signed in without typing the password again."""
    async with signing_in_gateway(
        gateway, tmp_path, refresh=False, access_token_ttl_s=8
    ) as signing_in:
        page = await browser.new_page()
        await sign_in_at_provider(page, signing_in)
        first = await stored(page)
        assert 'refresh_token":null' in first["mysessions.session"].replace(" ", "")
        prompt = page.get_by_role("dialog", name=ENDED)
        await expect(prompt).to_be_visible(timeout=15_000)
        base = signing_in.gateway.base_url
        # Through the provider and back: the page is at "/" already, so wait for the callback
        # first, or the old page would pass for the new one.
        async with page.expect_navigation(url=f"{base}/auth/callback?**"):
            await prompt.get_by_role("button", name="Sign in again").click()
        await page.wait_for_url(base + "/")
        await page.wait_for_selector("body[data-loaded='true']", timeout=20_000)
        again = (await stored(page))["mysessions.token"]
        assert again != first["mysessions.token"]


async def test_a_sign_in_answer_this_tab_did_not_ask_for_is_refused(
    browser: BrowserContext, gateway: RunningGateway, tmp_path: Path
) -> None:
    """A code delivered with another state (login CSRF, an injected code) or by another
    issuer (a mix-up) is never redeemed, and the round trip it tried to use is spent."""
    async with signing_in_gateway(gateway, tmp_path) as signing_in:
        issuer, base = signing_in.provider.issuer, signing_in.gateway.base_url
        page = await browser.new_page()
        requests: list[Request] = []
        page.on("request", lambda request: requests.append(request))
        status = page.locator("#callback-status")

        async def started_state() -> str:
            await page.goto(base + "/")
            await page.wait_for_url(f"{issuer}/interaction/**")
            return query([r for r in requests if r.url.startswith(f"{issuer}/auth?")][-1])["state"][
                0
            ]

        await started_state()
        await page.goto(f"{base}/auth/callback?code=stolen&state=forged&iss={quote(issuer)}")
        await expect(status).to_contain_text("does not belong to this sign-in (state)")

        state = await started_state()
        elsewhere = quote("http://127.0.0.1:9")
        await page.goto(f"{base}/auth/callback?code=stolen&state={state}&iss={elsewhere}")
        await expect(status).to_contain_text("comes from another issuer")

        assert not [r for r in requests if r.url == f"{issuer}/token"]
        assert await stored(page) == {}
        # Coming back with the same answer again finds no sign-in to complete.
        await page.goto(f"{base}/auth/callback?code=stolen&state={state}&iss={quote(issuer)}")
        await expect(status).to_contain_text("not started in this tab, or was used")


async def test_a_token_the_gateway_refuses_ends_the_session_in_place(
    browser: BrowserContext, gateway: RunningGateway, tmp_path: Path
) -> None:
    """A 401 mid-session (a token the gateway no longer accepts: keys rotated, revoked) is
    said on the page, which stays where it is, rather than a redirect that would lose what
    the agent was doing."""
    async with signing_in_gateway(gateway, tmp_path) as signing_in:
        page = await browser.new_page()
        await sign_in_at_provider(page, signing_in)
        await page.evaluate("sessionStorage.setItem('mysessions.token', 'not.a.token')")
        await page.get_by_label("Open only").check()  # the list is fetched again
        await expect(page.get_by_role("dialog", name=ENDED)).to_be_visible()
        assert page.url == signing_in.gateway.base_url + "/"
        assert await stored(page) == {}
