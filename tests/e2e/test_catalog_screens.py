"""Tenant catalogs end to end in Debian's Chromium: a tenant admin defines a code set and a
conversation context on /admin, a service owner enables both on /settings, and the agent's
next call of that service shows the set's code in after-call work and the context's link
among the context links; screenshots of each screen, axe-core clean."""

import pytest
from integration.scenario import TENANT
from playwright.async_api import BrowserContext, Page, expect

from .browser import axe_violations, screenshot
from .calls import LiveCall
from .test_page_accessibility import summary
from .world import World

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def context_worker() -> bool:
    """The context links come through the context worker's panel."""
    return True


async def open_screen(
    browser: BrowserContext, world: World, path: str, token: str, errors: list[str]
) -> Page:
    """The screen, signed in by the fragment hand-over; its script errors go to ``errors``."""
    page = await browser.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{world.gateway.base_url}{path}#access_token={token}")
    return page


async def test_an_admins_catalog_reaches_the_agent_through_the_owners_choice(
    browser: BrowserContext, axe: str, world: World
) -> None:
    await browser.route("https://**/*", lambda route: route.fulfill(body="page", status=200))

    # The tenant admin defines a code set and a conversation context.
    admin_token = world.gateway.token(TENANT, "ada", ("tenant_admin",))
    errors: list[str] = []
    admin = await open_screen(browser, world, "/admin", admin_token, errors)
    await expect(admin.get_by_text("No code set yet.")).to_be_visible()
    await admin.get_by_label("Code set id (no spaces)").fill("standard")
    await admin.get_by_label("Code set name").fill("Standard outcomes")
    await admin.get_by_role("button", name="Add a primary code").press("Enter")
    await admin.keyboard.type("renewal")
    await admin.keyboard.press("Tab")
    await admin.keyboard.type("Contract renewal")
    await admin.get_by_role("button", name="Save code set").press("Enter")
    await expect(admin.locator("#status")).to_have_text(
        "Saved code set Standard outcomes as version 1."
    )
    row = admin.get_by_role("row", name="Standard outcomes (standard)")
    await expect(row).to_contain_text("Contract renewal")
    await expect(row).to_contain_text("no service")

    await admin.get_by_label("Conversation context id (no spaces)").fill("wiki")
    await admin.get_by_label("Conversation context name").fill("Wiki pages")
    await admin.get_by_role("button", name="Add a context link").press("Enter")
    await admin.keyboard.type("Wiki")
    await admin.keyboard.press("Tab")
    await admin.keyboard.type("ftp://wiki.example.com/")
    await admin.get_by_role("button", name="Save conversation context").press("Enter")
    template = admin.get_by_label("URL template 1")
    await expect(template).to_have_attribute("aria-invalid", "true")  # the rules of any link
    await template.fill("https://wiki.example.com/s/{system.session_id}")
    await admin.get_by_role("button", name="Save conversation context").press("Enter")
    await expect(admin.get_by_role("row", name="Wiki pages (wiki)")).to_contain_text("Wiki")
    await screenshot(admin, "catalogs-admin")
    assert summary(await axe_violations(admin, axe)) == []

    # The owner of Sales enables both (and the codes-and-tags widget) for the service.
    owner_token = world.gateway.token(TENANT, "olivia", ("service_owner",), ("sales",))
    owner = await open_screen(browser, world, "/settings", owner_token, errors)
    await expect(owner.get_by_role("heading", name="Sales (sales), version 1")).to_be_visible()
    await owner.get_by_label("Codes and tags (after-call work)").check()
    await owner.get_by_label("Standard outcomes (Contract renewal)").check()
    await owner.get_by_label("Wiki pages (Wiki)").check()
    await owner.get_by_role("button", name="Save settings").press("Enter")
    await expect(owner.get_by_role("status")).to_have_text("Saved as version 2.")
    await screenshot(owner, "catalogs-owner")
    assert summary(await axe_violations(owner, axe)) == []

    # In use now: the admin's removal is refused, naming the service.
    await admin.reload()
    await admin.get_by_role("button", name="Remove code set Standard outcomes").press("Enter")
    await expect(admin.locator("#cs-problem")).to_contain_text(
        "Not removed: code set standard is in use by 1 service(s): sales"
    )

    # The agent's next Sales call: the set's code in after-call work, the context's link.
    call = LiveCall("s-catalog", service="sales")
    await world.raw.send_all(call.arrives() + call.accepted())
    await world.listed([call.user_session_id])
    page = await world.open_page(browser)
    await page.locator(f'li.task[data-id="{call.user_session_id}"] button').click()
    links = page.locator("#detail .links a")
    await expect(links.filter(has_text="Wiki")).to_have_attribute(
        "href", "https://wiki.example.com/s/s-catalog", timeout=10_000
    )
    await expect(links.filter(has_text="CRM")).to_have_count(1)  # the service's own first
    await screenshot(page, "catalogs-agent-links")
    await world.raw.send_all(call.ends())
    await expect(page.locator("#detail .result-label")).to_have_text("Accepted")
    primary = page.get_by_label("Primary code")
    await expect(primary.locator("option", has_text="Contract renewal")).to_have_count(1)
    await primary.select_option(label="Contract renewal")
    await screenshot(page, "catalogs-agent-codes")
    assert summary(await axe_violations(page, axe)) == []
    # Saved with the set's code: the save checks codes against the same resolved settings.
    await page.locator("#detail").get_by_role("button", name="Save").click()
    await expect(page.locator("#detail .saved")).to_contain_text("Contract renewal")
    assert errors == []
