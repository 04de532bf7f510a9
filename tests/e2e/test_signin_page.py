"""The demo's sign-in page in Chromium: lists the demo's users, signs one in, passes axe."""

from urllib.parse import quote

import pytest
from integration.scenario import AGENT, TENANT
from playwright.async_api import BrowserContext, expect

from .browser import axe_violations
from .world import World

pytestmark = pytest.mark.e2e


async def test_sign_in_lists_the_demo_users_and_signs_the_chosen_one_in(
    browser: BrowserContext,
    axe: str,
    world: World,
) -> None:
    page = await browser.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Secur" in m.text else None)
    await page.goto(world.gateway.base_url + "/")
    await page.wait_for_url("**/signin?next=%2F")
    user = page.get_by_role("button", name="Agent")
    await user.wait_for()
    assert await axe_violations(page, axe) == []
    await user.press("Enter")
    await page.wait_for_url(world.gateway.base_url + "/")
    await expect(page.locator("#who")).to_have_text(f"{AGENT} · {TENANT}")
    assert await page.evaluate("sessionStorage.getItem('mysessions.token')")
    assert blocked == []


# (next=, where the sign-in lands): the browser's parser, not a string check, decides.
REDIRECTS = [
    ("/\\evil.example", "/"),  # read as //evil.example
    ("/\\\\evil.example/x", "/"),
    ("\t/evil.example", "/"),
    ("/\t/evil.example", "/"),  # the tab is dropped: //evil.example
    ("/\n/evil.example", "/"),
    ("//evil.example", "/"),
    ("/.//evil.example", "/"),  # parses to the path //evil.example
    ("https://evil.example/", "/"),
    ("javascript:alert(document.domain)", "/"),
    ("/settings?x=1#part", "/settings?x=1#part"),
]


async def test_next_never_leaves_the_site(browser: BrowserContext, world: World) -> None:
    """The sign-in goes to ``next`` only when it is a page of this origin (the open-redirect
    cases of a string check: backslashes, tabs, protocol-relative and absolute URLs)."""
    page = await browser.new_page()
    elsewhere: list[str] = []
    base = world.gateway.base_url
    page.on("request", lambda r: None if r.url.startswith(base + "/") else elsewhere.append(r.url))
    for wanted, lands in REDIRECTS:
        await page.goto(f"{base}/signin?next={quote(wanted, safe='')}")
        await page.evaluate("sessionStorage.clear()")
        await page.get_by_role("button", name="Agent").click()
        await page.wait_for_url(base + lands, timeout=10_000)
        checked = await page.evaluate(
            "async ([wanted]) => (await import('/static/signin.js')).safeNext(wanted)", [wanted]
        )
        assert checked == lands, wanted
    assert elsewhere == []
