"""The tenant admin configures the CRM and imports the address book on /admin, on the
whole system (ingest, queue and context workers, the real gateway, Debian's Chromium): the
CRM URL saved and tested against a CRM on a local port, a contacts CSV uploaded and its
report shown, and the agent's next call from an imported number shows the imported name.
Keyboard only where a person would type; axe-core finds no serious or critical violation.
Screenshots go to artifacts/screenshots/."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import contracts as c
import httpx
import pytest
from integration.scenario import TENANT
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.stub_crm import KNOWN, StubCrm, stub_crm
from playwright.async_api import BrowserContext, expect

from .browser import axe_violations, screenshot
from .calls import LiveCall
from .world import World

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

IMPORTED = "Imported Caller"
NUMBER = "+41446681899"
"""A number libphonenumber takes as valid, as an address book's must be (the scenario's
caller, +1 555 01xx, is a fictional one the importer would reject)."""


def from_number(events: list[c.SessionEvent]) -> list[c.SessionEvent]:
    """The call's events with the caller calling from ``NUMBER``."""
    return [
        event.model_copy(update={"caller": c.Party(address=NUMBER, address_kind="pstn")})
        if isinstance(event, c.SessionStarted)
        else event
        for event in events
    ]


@pytest.fixture
def context_worker() -> bool:
    return True


@pytest.fixture
def crm() -> Iterator[StubCrm]:
    with stub_crm() as stub:
        yield stub


async def resolved(world: World, name: str) -> None:
    """Waits until the agent's list (the API's search) finds a task by the caller's name."""

    async def found() -> bool:
        await asyncio.sleep(0.5)  # a few reads a second, well inside the agent's rate limit
        answer = await client.get("/api/v1/tasks", params={"q": name}, headers=world.headers())
        assert answer.status_code == 200, answer.text
        return bool(answer.json()["total"] == 1)

    async with httpx.AsyncClient(base_url=world.gateway.base_url) as client:
        await wait_for(found, timeout_s=30, what="the caller resolved from the imported book")


async def test_the_admin_sets_up_the_crm_and_imports_the_address_book(
    browser: BrowserContext, world: World, crm: StubCrm, axe: str, tmp_path: Path
) -> None:
    token = world.gateway.token(TENANT, "boss", ("tenant_admin",))
    admin = await browser.new_page()
    errors: list[str] = []
    admin.on("pageerror", lambda error: errors.append(str(error)))
    await admin.goto(f"{world.gateway.base_url}/admin#access_token={token}")
    await expect(admin.locator("#crm-version")).to_have_text("Never set: no CRM is asked.")

    # The CRM URL, typed and saved from the keyboard.
    await admin.get_by_label("CRM URL template").fill(crm.template())
    await admin.get_by_label("Deadline per lookup").fill("2")
    await admin.get_by_role("button", name="Save CRM settings").press("Enter")
    await expect(admin.locator("#crm-saved")).to_have_text("Saved as version 1.")

    # Tested with a number the CRM knows: what it answered is shown, nothing is stored.
    await admin.get_by_label("Caller's number").fill(KNOWN)
    await admin.get_by_role("button", name="Test", exact=True).press("Enter")
    result = admin.locator("#crm-test-result")
    await expect(result).to_contain_text("Found")
    await expect(result).to_contain_text("Jane Doe")
    await expect(result).to_contain_text("ACME AG")
    assert crm.asked == [KNOWN]

    # The address book: one good row, one the parser rejects (by row and column only).
    book = tmp_path / "contacts.csv"
    book.write_text(
        "id,display_name,company,phones\r\n"
        f"c-1,{IMPORTED},Imports Ltd,{NUMBER}\r\n"
        "c-2,No Number,,12345\r\n",
        encoding="utf-8",
    )
    await admin.get_by_label("CSV file").set_input_files(book)
    await admin.get_by_role("button", name="Import", exact=True).press("Enter")
    report = admin.locator("#import-report")
    await expect(report).to_contain_text(
        "Address book: 1 imported, 0 updated, 0 unchanged, 1 rejected."
    )
    await expect(report.get_by_role("row", name="3")).to_contain_text("phones:")
    assert "12345" not in (await report.text_content() or "")
    await screenshot(admin, "admin-crm-and-import")
    violations = await axe_violations(admin, axe)
    assert [(v["id"], v["impact"]) for v in violations] == []
    assert errors == []

    # The agent's next call from the imported number shows the imported caller.
    agent = await world.open_page(browser)
    await agent.wait_for_selector("#live-status[data-state='live']")
    call = LiveCall("s-imported")
    await world.raw.send_all(from_number(call.arrives()))
    task = agent.locator(f'li.task[data-id="{call.user_session_id}"]')
    await expect(task).to_be_visible(timeout=10_000)
    await resolved(world, IMPORTED)
    await world.raw.send_all(call.accepted())  # the next change carries the resolved caller
    await expect(task.locator(".caller")).to_have_text(IMPORTED, timeout=10_000)
    await screenshot(agent, "agent-sees-imported-caller")
    # Found in the address book, so the CRM was never asked about this caller.
    assert NUMBER not in crm.asked
