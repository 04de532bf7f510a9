"""1,000 history entries: the list renders at once and a live change touches one row.

Loose bounds only (a shared CI machine must not flake); the figures themselves come from
``benchmarks/page_render.py``."""

import pytest
from playwright.async_api import BrowserContext, expect

from .calls import LiveCall
from .history_seed import seed_history, timings
from .world import World

pytestmark = pytest.mark.e2e


@pytest.mark.serial
async def test_a_thousand_entries_render_fast_and_an_update_touches_one_row(
    browser: BrowserContext,
    world: World,
) -> None:
    ids = await seed_history(world, 1000)
    page = await world.open_page(browser)
    await expect(page.locator("li.task")).to_have_count(1000)
    await page.wait_for_selector("#live-status[data-state='live']")
    assert await page.locator("li.task").first.get_attribute("data-id") == ids[0]

    # Rows other than the changed one must stay the very same elements.
    await page.evaluate(
        "() => document.querySelectorAll('li.task').forEach((r) => (r._kept = true))"
    )
    call = LiveCall("s-new")
    await world.raw.send_all(call.arrives())
    await expect(page.locator("li.task").first).to_have_attribute("data-id", call.user_session_id)
    kept = await page.evaluate(
        "() => [...document.querySelectorAll('li.task')].filter((r) => r._kept).length"
    )
    assert kept == 1000
    await page.wait_for_timeout(200)
    measured = await timings(page)
    assert measured["render"] < 2_000, measured
    assert measured["first-frame"] < 10_000, measured
    assert measured["update"] < 100, measured
    assert measured["update-frame"] < 1_000, measured
