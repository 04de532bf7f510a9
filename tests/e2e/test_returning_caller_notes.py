"""A returning caller's earlier notes on the whole system (ingest, queue and context
workers, the real gateway, Debian's Chromium): a caller whose earlier call went through a
service that stores context, with codes and tags saved, calls again; the new live task's
row carries the returning marker (read by screen readers) and its detail lists the earlier
codes and tags with their date. The same caller's call through Support (which stores no
context) contributes nothing, and a caller who only ever called Support gets no marker and
no notes. axe runs on both states."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import contracts as c
import httpx
import pytest
from context_service.adapters.stored_context import STORED_CONTEXT
from integration.scenario import AGENT, CALLER_NUMBER, TENANT
from mysessions_platform.service_settings.store import ServiceSettingsStore
from mysessions_platform.testing.kafka_reading import wait_for
from playwright.async_api import BrowserContext, expect

from .browser import axe_violations, screenshot
from .calls import LiveCall, ended_call, hours_ago
from .world import World

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CARE = c.ServiceSettingsSpec(
    tenant_id=TENANT,
    service_id="care",
    service_name="Care",
    widgets=c.Widgets(codes_and_tags=True, caller_information=True),
    primary_codes=(c.Code(id="complaint", label="Complaint"),),
    secondary_codes=(c.Code(id="refund", label="Refund promised"),),
    store_context=True,
)
"""Stores conversation context (since a day ago), takes codes and tags."""
OTHER_NUMBER = "+15550100002"


@pytest.fixture
def context_worker() -> bool:
    return True


def from_number(events: list[c.SessionEvent], number: str) -> list[c.SessionEvent]:
    """The same call, from another caller."""
    start, *rest = events
    assert isinstance(start, c.SessionStarted)
    caller = c.Party(address=number, address_kind="pstn")
    return [start.model_copy(update={"caller": caller}), *rest]


def arriving(call: LiveCall, number: str = CALLER_NUMBER) -> list[c.SessionEvent]:
    return from_number(call.arrives(), number)


async def save_work(
    client: httpx.AsyncClient, world: World, session_id: str, work: Mapping[str, object]
) -> None:
    answer = await client.post(
        f"/api/v1/tasks/{session_id}:1:{AGENT}/acw", json=work, headers=world.headers()
    )
    assert answer.status_code == 201, answer.text


async def stored(world: World, session_id: str) -> None:
    """Waits for the context worker's record of the ended call."""

    async def there() -> bool:
        found = await world.database[STORED_CONTEXT].count_documents({"session_id": session_id})
        return found > 0

    await wait_for(there, timeout_s=30, what="the earlier call's stored context")


async def test_a_returning_callers_new_task_shows_the_earlier_notes(
    browser: BrowserContext, world: World, axe: str
) -> None:
    await ServiceSettingsStore(world.database).apply(CARE, datetime.now(UTC) - timedelta(days=1))
    # Earlier: the caller through Care (stored) and through Support (not stored); another
    # caller through Support only. Each call's work saved with codes and tags.
    care_started = hours_ago(3)
    await world.raw.send_all(ended_call("s-care", care_started, service="care"))
    await world.raw.send_all(ended_call("s-support", hours_ago(2)))
    await world.raw.send_all(from_number(ended_call("s-other", hours_ago(1)), OTHER_NUMBER))
    await world.listed([f"{s}:1:{AGENT}" for s in ("s-care", "s-support", "s-other")])
    async with httpx.AsyncClient(base_url=world.gateway.base_url) as client:
        care = {"primary_code": "complaint", "secondary_code": "refund", "tags": ["VIP", "late"]}
        await save_work(client, world, "s-care", care)
        support = {"primary_code": "info", "secondary_code": None, "tags": ["not-kept"]}
        await save_work(client, world, "s-support", support)
        await save_work(client, world, "s-other", {**support, "tags": ["other-not-kept"]})
    await stored(world, "s-care")

    page = await world.open_page(browser)
    await page.wait_for_selector("#live-status[data-state='live']")
    # The returning caller's new call, on the live stream.
    back = LiveCall("s-back", service="care")
    await world.raw.send_all(arriving(back))
    row = page.locator(f'li.task[data-id="{back.user_session_id}"]')
    await expect(row).to_be_visible(timeout=10_000)
    marker = row.locator(".returning")
    await expect(marker).to_be_visible(timeout=10_000)
    # In the row's accessible name: the words, not the symbol.
    await expect(row.get_by_role("button")).to_contain_text("Returning caller, 1 earlier note")
    await screenshot(page, "returning-caller-row")

    await row.get_by_role("button").click()
    notes = page.locator("#detail .earlier")
    await expect(notes.get_by_role("heading")).to_have_text("Earlier notes on this caller")
    await expect(notes.locator(".earlier-notes > li")).to_have_count(1)
    await expect(notes).to_contain_text("Primary: Complaint")
    await expect(notes).to_contain_text("Secondary: Refund promised")
    await expect(notes.locator(".chip")).to_have_text(["VIP", "late"])
    await expect(notes).to_contain_text("Care")
    # The date of the earlier call: when it left Care (it ended 200 s after it started).
    left = (care_started + timedelta(seconds=200)).strftime("%Y-%m-%dT%H:%M:%S")
    await expect(notes.locator("time")).to_have_attribute("datetime", re.compile(f"^{left}"))
    await expect(notes).not_to_contain_text("not-kept")
    await expect(notes).not_to_contain_text("Information")
    await screenshot(page, "returning-caller-detail")
    assert await axe_violations(page, axe) == []

    # A caller who only called Support (no stored context): nothing on row or detail.
    other = LiveCall("s-other-back", service="care")
    await world.raw.send_all(arriving(other, OTHER_NUMBER))
    other_row = page.locator(f'li.task[data-id="{other.user_session_id}"]')
    await expect(other_row).to_be_visible(timeout=10_000)
    await world.raw.send_all(other.accepted())  # a second change on the stream, composed too
    await expect(other_row).to_have_attribute("data-state", "connected", timeout=10_000)
    await expect(other_row.locator(".returning")).to_have_count(0)
    await other_row.get_by_role("button").click()
    await expect(page.locator("#detail .caller-card")).to_be_visible()
    await expect(page.locator("#detail .earlier")).to_have_count(0)
    # And a fresh list (not the stream) agrees on both rows.
    await page.reload()
    await page.wait_for_selector("body[data-loaded='true']")
    await expect(
        page.locator(f'li.task[data-id="{back.user_session_id}"] .returning')
    ).to_be_visible()
    await expect(
        page.locator(f'li.task[data-id="{other.user_session_id}"] .returning')
    ).to_have_count(0)
    assert await axe_violations(page, axe) == []
    await screenshot(page, "returning-caller-none")
