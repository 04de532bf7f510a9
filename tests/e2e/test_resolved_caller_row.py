"""A live call from a number in the tenant's address book: its row shows the caller the
context service resolved (not the name upstream sent: none, so "Anonymous"), and a search
by that name finds the live call, on the whole system (ingest, queue and context workers,
the real gateway, Debian's Chromium)."""

import asyncio

import httpx
import pytest
from context_service.adapters.address_book import MongoAddressBook
from context_service.adapters.upsert import upsert_documents
from integration.scenario import AGENT, CALLER_NUMBER, TENANT
from mysessions_platform.testing.kafka_reading import wait_for
from playwright.async_api import BrowserContext, expect

from .browser import screenshot
from .calls import LiveCall, ended_call, hours_ago
from .world import World

pytestmark = pytest.mark.e2e

NAME = "Jane Resolved"


@pytest.fixture
def context_worker() -> bool:
    return True


async def resolved(world: World) -> None:
    """Waits until the context worker resolved the caller (the API's search finds them):
    a resolution landing after a task's last change reaches the page at its next change
    or list fetch, so the test waits for it before the change it watches."""

    async def found() -> bool:
        await asyncio.sleep(0.5)  # a few reads a second, well inside the agent's rate limit
        answer = await client.get("/api/v1/tasks", params={"q": NAME}, headers=world.headers())
        assert answer.status_code == 200, answer.text
        return bool(answer.json()["total"] == 1)

    async with httpx.AsyncClient(base_url=world.gateway.base_url) as client:
        await wait_for(found, timeout_s=30, what="the caller resolved by the context worker")


async def test_a_live_row_shows_the_resolved_caller_and_search_finds_it(
    browser: BrowserContext, world: World
) -> None:
    book = MongoAddressBook(world.database)
    await upsert_documents(
        book.collection,
        TENANT,
        "contact_id",
        {"jane": {"contact_id": "jane", "display_name": NAME, "phones": [CALLER_NUMBER]}},
    )
    # An ended call of the same number: its row shows "Not Available" (Support stores no
    # context), so the search by name must leave it out.
    await world.raw.send_all(ended_call("s-old", hours_ago(2)))
    await world.listed([f"s-old:1:{AGENT}"])
    page = await world.open_page(browser)
    await page.wait_for_selector("#live-status[data-state='live']")

    call = LiveCall("s-known")
    await world.raw.send_all(call.arrives())
    task = page.locator(f'li.task[data-id="{call.user_session_id}"]')
    await expect(task).to_be_visible(timeout=5_000)
    await resolved(world)
    # The next change reaches the row on the stream, composed with the resolved caller:
    # the queue's view of it still says "Anonymous".
    await world.raw.send_all(call.accepted())
    await expect(task.locator(".caller")).to_have_text(NAME, timeout=10_000)
    await screenshot(page, "resolved-caller-row")

    await expect(page.locator("li.task")).to_have_count(2)
    await page.locator("#q").fill("jane res")
    await expect(page.locator("li.task")).to_have_count(1, timeout=5_000)
    await expect(task.locator(".caller")).to_have_text(NAME)
    await screenshot(page, "resolved-caller-search")
