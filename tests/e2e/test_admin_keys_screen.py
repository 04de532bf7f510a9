"""The admin's API keys for CRM flows in Debian's Chromium, on a gateway alone: a key made
on the screen is shown once, works on the connector API, is listed with its last use and
never shown again, and once revoked is refused; a field the server refuses is named next to
its input; no axe violation. Screenshots go to artifacts/screenshots/."""

import re

import httpx
import pytest
from gateway_service.testing import RunningGateway
from playwright.async_api import BrowserContext, expect

from .browser import axe_violations, screenshot
from .test_owner_screens import open_screen

pytestmark = pytest.mark.e2e


async def test_the_admin_makes_a_key_sees_it_once_and_revokes_it(
    gateway: RunningGateway, browser: BrowserContext, axe: str
) -> None:
    token = gateway.token("acme", "boss", ("tenant_admin",))
    page, errors = await open_screen(browser, gateway, "/admin", token)
    section = page.locator(
        "section", has=page.get_by_role("heading", name="API keys for CRM flows")
    )
    await expect(section.get_by_role("cell", name="No API keys yet.")).to_be_visible()

    await section.get_by_label("Name").fill("Dynamics flow")
    await section.get_by_label("Service ids (separated by commas)").fill("sales, support")
    await section.get_by_label("Remove parameters").check()
    await section.get_by_role("button", name="Make key").click()
    shown = section.get_by_label("The new key (copy it now; it is not shown again)")
    await expect(shown).to_have_value(re.compile(r"^msk_[0-9a-f]{24}_"), timeout=5_000)
    secret = await shown.input_value()
    rows = section.locator("#key-rows tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("sales, support")
    await expect(rows.first).to_contain_text(
        "Set parameters, Remove parameters, Set caller details"
    )
    await expect(rows.first).to_contain_text("Never")
    await screenshot(page, "admin-api-key-made")
    violations = await axe_violations(page, axe)
    assert [(v["id"], v["impact"]) for v in violations] == []

    async with httpx.AsyncClient(base_url=gateway.base_url, headers={"X-API-Key": secret}) as flow:
        assert (await flow.get("/api/v1/connector/key")).status_code == 200
        await section.get_by_role("button", name="Done, hide it").click()
        await page.reload()
        await expect(rows.first).not_to_contain_text("Never")  # its last use
        assert secret not in await page.content()

        await rows.first.get_by_role("button", name="Revoke key Dynamics flow").click()
        await expect(rows.first).to_contain_text("Revoked")
        assert (await flow.get("/api/v1/connector/key")).status_code == 401
    await screenshot(page, "admin-api-key-revoked")

    await section.get_by_label("Name").fill("No services")
    await section.get_by_role("button", name="Make key").click()
    await expect(section.locator(".field-error")).to_have_count(1)
    await expect(section.get_by_role("alert")).to_have_text("No key was made.")
    assert summary_of(await axe_violations(page, axe)) == []
    assert errors == []


def summary_of(violations: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(v["id"], v["impact"]) for v in violations]
