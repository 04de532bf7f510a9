"""The demo's sign-in page in Chromium: lists the demo's users, signs one in, passes axe."""

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
