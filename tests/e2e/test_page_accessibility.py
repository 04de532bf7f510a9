"""My Sessions for everyone: axe-core finds no serious or critical violation (contrast,
labels, names, roles) on the list and the detail, and every action works from the keyboard
alone."""

import pytest
from integration.scenario import AGENT
from playwright.async_api import BrowserContext, Page, expect

from .browser import axe_violations
from .calls import LiveCall, ended_call, hours_ago
from .world import World

pytestmark = pytest.mark.e2e


def summary(violations: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(v["id"], v["impact"], v["help"], len(v["nodes"])) for v in violations]  # type: ignore[arg-type]


async def focused(page: Page) -> str:
    """What has the keyboard focus: its tag, id and text, for messages and checks."""
    described: str = await page.evaluate(
        """() => {
            const e = document.activeElement;
            const task = e.closest('li.task')?.dataset.id ?? '';
            const name = (e.getAttribute('aria-label') ?? e.textContent ?? '').trim();
            return `${e.tagName.toLowerCase()}#${e.id}|${task}|${name.slice(0, 60)}`;
        }"""
    )
    return described


async def tab_to(page: Page, wanted: str, limit: int = 40) -> None:
    """Presses Tab until the focused element's description contains ``wanted``."""
    seen = []
    for _ in range(limit):
        await page.keyboard.press("Tab")
        now = await focused(page)
        if wanted in now:
            return
        seen.append(now)
    raise AssertionError(f"Tab never reached {wanted!r}; it went {seen}")


async def test_list_and_detail_pass_axe(
    browser: BrowserContext,
    axe: str,
    world: World,
) -> None:
    await world.seed_tag("priority-customer")
    await world.raw.send_all(ended_call("s-old", hours_ago(3)))
    live = LiveCall("s-now")
    await world.raw.send_all(live.arrives() + live.accepted())
    await world.listed([f"s-old:1:{AGENT}", live.user_session_id])
    page = await world.open_page(browser)
    await expect(page.locator(".pulse-connected")).to_be_visible()
    assert summary(await axe_violations(page, axe)) == []

    await page.locator(f'li.task[data-id="s-old:1:{AGENT}"] button').click()
    detail = page.locator("#detail")
    await detail.get_by_label("Tags", exact=True).fill("prio")
    await expect(
        detail.get_by_role("button", name="Add suggested tag priority-customer")
    ).to_be_visible()
    assert summary(await axe_violations(page, axe)) == []

    await page.locator(f'li.task[data-id="{live.user_session_id}"] button').click()
    await expect(detail.locator(".result-label")).to_have_text("Connected")
    assert summary(await axe_violations(page, axe)) == []


async def test_keyboard_alone_opens_a_task_and_saves_its_work(
    browser: BrowserContext,
    world: World,
) -> None:
    await world.seed_tag("priority-customer")
    ids = [f"s-k{n}" for n in range(3)]
    for n, session_id in enumerate(ids):
        await world.raw.send_all(ended_call(session_id, hours_ago(1 + n)))
    await world.listed([f"{s}:1:{AGENT}" for s in ids])
    page = await world.open_page(browser)
    target = f"s-k1:1:{AGENT}"

    await tab_to(page, f"s-k0:1:{AGENT}")  # the first task, past the search and filters
    await page.keyboard.press("ArrowDown")  # the list moves by arrows too
    assert target in await focused(page)
    visible_focus = await page.evaluate(
        "() => getComputedStyle(document.activeElement).outlineStyle"
    )
    assert visible_focus != "none"
    await page.keyboard.press("Enter")
    detail = page.locator("#detail")
    await expect(detail.get_by_text("After-call work is open")).to_be_visible()
    assert (await focused(page)).startswith("section#detail")

    await tab_to(page, "select#acw-primary")
    await page.keyboard.type("Sal")  # typing selects the matching option
    await expect(detail.get_by_label("Primary code")).to_have_value("sale")
    await tab_to(page, "input#acw-tag")
    await page.keyboard.type("prio")
    await expect(
        detail.get_by_role("button", name="Add suggested tag priority-customer")
    ).to_be_visible()
    await tab_to(page, "Add suggested tag priority-customer")
    await page.keyboard.press("Enter")
    await page.keyboard.type("follow-up")
    await page.keyboard.press("Enter")
    await expect(detail.locator(".chip > span")).to_have_text(["priority-customer", "follow-up"])
    await tab_to(page, "|Save")
    await page.keyboard.press("Enter")

    await expect(detail.locator(".saved")).to_contain_text("priority-customer, follow-up")
    await expect(page.locator(f'li.task[data-id="{target}"] .marker')).to_have_count(0)
    await expect(page.locator(f'li.task[data-id="s-k0:1:{AGENT}"] .marker')).to_have_count(1)
