"""The settings and admin screens in Debian's Chromium (the page's ``browser``), on a gateway
alone, keyboard only: the store-context warning appears before anything is saved and the save
waits for its confirmation; an API problem shows next to its field; the admin's list shows
the stored session and unprovisioning needs the id typed again."""

from datetime import UTC, datetime, timedelta

import pytest
from context_service.adapters.stored_context import StoredContextStore
from context_service.domain import Caller, StoredContext
from gateway_service.api.owner import STORE_CONTEXT_WARNING
from gateway_service.testing import RunningGateway
from playwright.async_api import BrowserContext, Page, expect

pytestmark = pytest.mark.e2e


async def open_screen(
    browser: BrowserContext, gateway: RunningGateway, path: str, token: str
) -> tuple[Page, list[str]]:
    """The screen, signed in (the token handed over in the fragment), and its script errors."""
    page = await browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{gateway.base_url}{path}#access_token={token}")
    return page, errors


def stored(session: str, service: str) -> StoredContext:
    stored_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    return StoredContext(
        tenant_id="acme",
        session_id=session,
        service_session_id=f"{session}-q1",
        service_id=service,
        service_name="Sales",
        left_at=stored_at,
        left_how="ended",
        started_at=None,
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=Caller("+41446681800", "pstn", "address_book", display_name="John Doe"),
        parameters={},
        stored_at=stored_at,
        expires_at=stored_at + timedelta(days=30),
    )


async def test_the_settings_screen_warns_before_storing_context(
    gateway: RunningGateway, browser: BrowserContext
) -> None:
    token = gateway.token("acme", "olivia", ("service_owner",), ("sales",))
    page, errors = await open_screen(browser, gateway, "/settings", token)
    await expect(page.get_by_role("heading", name="sales (sales), version 0")).to_be_visible()
    await page.get_by_role("textbox", name="Service name").fill("Sales desk")
    await page.get_by_label("Codes and tags (after-call work)").check()
    await page.get_by_role("button", name="Add a primary code").press("Enter")
    await page.keyboard.type("sale")
    await page.keyboard.press("Tab")
    await page.keyboard.type("Sale")

    store = page.get_by_label("Keep the context of sessions that leave this service (opt-in)")
    await store.focus()
    await page.keyboard.press("Space")
    await expect(page.get_by_text(STORE_CONTEXT_WARNING)).to_be_visible()
    await page.get_by_role("button", name="Save settings").press("Enter")
    await expect(page.get_by_text("Confirm that you have read this first.")).to_be_visible()
    assert await gateway.resources.service_settings.get("acme", "sales") is None

    await page.get_by_label("I understand: keep this service's session context for 30 days").check()
    await page.get_by_label("Map link (URL template)").fill("ftp://maps.example/")
    await page.get_by_role("button", name="Save settings").press("Enter")
    problem = page.locator("#map_url_template + .field-error")
    await expect(problem).to_be_visible()
    await expect(page.get_by_label("Map link (URL template)")).to_have_attribute(
        "aria-invalid", "true"
    )

    await page.get_by_label("Map link (URL template)").fill(
        "https://maps.example/?q={caller.address}"
    )
    await page.get_by_role("button", name="Save settings").press("Enter")
    await expect(page.get_by_role("status")).to_have_text("Saved as version 1.")
    saved = await gateway.resources.service_settings.get("acme", "sales")
    assert saved is not None
    assert saved.store_context
    assert saved.service_name == "Sales desk"
    assert [code.id for code in saved.primary_codes] == ["sale"]
    assert errors == []


async def test_the_admin_screen_lists_and_unprovisions(
    gateway: RunningGateway, browser: BrowserContext
) -> None:
    store = StoredContextStore(gateway.resources.database)
    await store.insert([stored("s-1", "sales")])
    token = gateway.token("acme", "ada", ("tenant_admin",))
    page, errors = await open_screen(browser, gateway, "/admin", token)
    row = page.get_by_role("row", name="s-1")
    await expect(row).to_contain_text("John Doe (+41446681800)")
    await expect(row).to_contain_text("in 30 days")

    await page.get_by_label("Search by session id, service, caller name or number").fill("nobody")
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("No stored sessions.")).to_be_visible()

    erase = page.get_by_role("button", name="Erase")
    await page.get_by_label("Service id", exact=True).fill("sales")
    await page.get_by_label("Type the service id again to confirm").fill("Sales")
    await expect(erase).to_be_disabled()
    await page.get_by_label("Type the service id again to confirm").fill("sales")
    await expect(erase).to_be_enabled()
    await erase.press("Enter")
    await expect(page.get_by_text("stored context records: 1")).to_be_visible()
    assert await store.count("acme") == 0
    assert errors == []
