"""My Sessions in Debian's Chromium, on the whole system: events published to Kafka go
through the ingest and queue workers into Redis, the real gateway serves the list, the
detail and the live stream, and the page shows them as an agent would see them."""

import re
import time

import httpx
import pytest
from integration.scenario import AGENT
from playwright.async_api import BrowserContext, Locator, Page, expect

from .browser import screenshot
from .calls import LiveCall, ended_call, hours_ago
from .world import World

pytestmark = pytest.mark.e2e


def row(page: Page, user_session_id: str) -> Locator:
    return page.locator(f'li.task[data-id="{user_session_id}"]')


def seconds(text: str) -> int:
    """ "1:05" -> 65, "1:02:03" -> 3723."""
    assert re.fullmatch(r"\d+(:\d\d){1,2}", text), text
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total


async def history(world: World, count: int = 2) -> list[str]:
    """``count`` ended calls in the agent's history (listed by the API): the workers are
    then warm, so what follows measures the system, not its start-up."""
    ids = [f"s-old-{n}" for n in range(count)]
    for n, session_id in enumerate(ids):
        await world.raw.send_all(ended_call(session_id, hours_ago(2 + n)))
    await world.listed([f"{session_id}:1:{AGENT}" for session_id in ids])
    return ids


@pytest.mark.slow
@pytest.mark.serial
async def test_a_call_arrives_pulsing_on_top_is_answered_ended_and_its_work_saved_once(
    browser: BrowserContext,
    world: World,
) -> None:
    await world.seed_tag("priority-customer")
    await history(world)
    page = await world.open_page(browser)
    await expect(page.locator("li.task")).to_have_count(2)
    await page.wait_for_selector("#live-status[data-state='live']")

    call = LiveCall("s-live")
    task = row(page, call.user_session_id)
    published = time.monotonic()
    await world.raw.send_all(call.arrives())
    await expect(task.locator(".pulse-incoming")).to_be_visible(timeout=2_000)
    assert time.monotonic() - published < 2.0
    assert await page.locator("li.task").first.get_attribute("data-id") == call.user_session_id
    await expect(page.locator("#count")).to_have_text("3 sessions")
    await expect(task.locator(".result")).to_have_text("Incoming")

    await world.raw.send_all(call.accepted())
    await expect(task.locator(".pulse-connected")).to_be_visible(timeout=5_000)
    await expect(task).to_have_class(re.compile(r"\btone-live\b"))
    # The row shows its time when the change lands, then at each tick of the page's one
    # 1 s ticker: read after a tick, twice more than a second apart.
    await page.wait_for_timeout(1_100)
    first = seconds(await task.locator(".timer").inner_text())
    await page.wait_for_timeout(1_200)
    second = seconds(await task.locator(".timer").inner_text())
    view = await task.evaluate("(row) => JSON.stringify(row._view)")
    assert second > first, (first, second, view)
    await screenshot(page, "list")

    await world.raw.send_all(call.ends())
    await expect(task.locator(".marker")).to_be_visible(timeout=5_000)
    await expect(task.locator(".pulse")).to_have_class(re.compile("pulse-none"))
    await expect(task).to_have_class(re.compile(r"\btone-green\b"))
    await expect(task.locator(".result")).to_have_text("Accepted")

    # A second tab opens the same form before the first saves: its save must be refused.
    late = await world.open_page(browser)
    await row(late, call.user_session_id).locator("button").first.click()
    await late.get_by_label("Primary code").select_option(label="Information")

    # Back to the first tab, as the agent would: a tab in the background gets no animation
    # frames, so Playwright's every "is it stable" wait there took about 2 s.
    await page.bring_to_front()
    await task.locator("button").first.click()
    detail = page.locator("#detail")
    await expect(detail.get_by_text("After-call work is open")).to_be_visible()
    await screenshot(page, "detail")
    await detail.get_by_label("Primary code").select_option(label="Sale")
    await detail.get_by_label("Secondary code").select_option(label="Callback requested")
    await detail.get_by_label("Tags", exact=True).fill("prio")
    suggestion = detail.get_by_role("button", name="Add suggested tag priority-customer")
    await suggestion.click()
    await expect(detail.locator(".chip > span")).to_have_text(["priority-customer"])
    await detail.get_by_role("button", name="Save").click()
    await expect(task.locator(".marker")).to_have_count(0, timeout=5_000)
    await expect(detail.locator(".saved")).to_contain_text("priority-customer")
    await expect(detail.locator(".saved")).to_contain_text(f"by {AGENT}")

    await late.bring_to_front()
    await late.locator("#detail").get_by_role("button", name="Save").click()
    await expect(late.locator("#detail .form-status")).to_contain_text(
        f"Already saved by {AGENT} at"
    )
    async with httpx.AsyncClient(base_url=world.gateway.base_url) as client:
        again = await client.post(
            f"/api/v1/tasks/{call.user_session_id}/acw",
            json={"primary_code": "info", "secondary_code": None, "tags": []},
            headers=world.headers(),
        )
    assert again.status_code == 409, again.text
    assert again.json()["saved_by"] == AGENT
    assert again.json()["saved_at"]

    # Search and filters ask the API again.
    await page.bring_to_front()
    tasks = page.locator("li.task")
    await page.get_by_label("Open only").check()
    await expect(tasks).to_have_count(2)
    await expect(task).to_have_count(0)
    await page.get_by_label("Open only").uncheck()
    await page.get_by_label("Result", exact=True).select_option(label="RONA")
    await expect(tasks).to_have_count(0)
    await expect(page.locator("#count")).to_have_text("0 sessions")
    await page.get_by_label("Result", exact=True).select_option(label="Accepted")
    await expect(tasks).to_have_count(3)
    await page.get_by_label("Search", exact=True).fill("no such caller")
    await expect(tasks).to_have_count(0)
    await page.get_by_label("Search", exact=True).fill("SUPPORT")
    await expect(tasks).to_have_count(3)
    await page.get_by_label("Service", exact=True).select_option(label="Support")
    await expect(tasks).to_have_count(3)
