"""Debian's Chromium driven by Playwright (no browser download), and axe-core for it.

A missing browser or axe-core fails the test with what to run; nothing is skipped, so a
machine without them cannot pass the page's tests by accident.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMIUM_ARGS: Final = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
AXE_VERSION: Final = "4.14.1"  # scripts/fetch_axe.sh pins the same
AXE: Final = Path(__file__).parents[2] / ".cache" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
AXE_TAGS: Final = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
SCREENSHOTS: Final = Path(__file__).parents[2] / "artifacts" / "screenshots"


def require_chromium() -> Path:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the page's tests need Debian's chromium package "
            "(bash scripts/bootstrap.sh installs it)",
            pytrace=False,
        )
    return CHROMIUM


def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(
            f"{AXE} is missing: bash scripts/bootstrap.sh (scripts/fetch_axe.sh) fetches it",
            pytrace=False,
        )
    return AXE.read_text(encoding="utf-8")


_CONTEXT_OPTIONS: Final[dict[str, Any]] = {
    "viewport": {"width": 1280, "height": 900},
    "reduced_motion": "no-preference",
}


@asynccontextmanager
async def chromium(
    user_data_dir: Path, *, block_popups: bool = False
) -> AsyncIterator[BrowserContext]:
    """A browser of its own with a fresh profile in ``user_data_dir``; closed afterwards.
    ``block_popups``: Chromium's pop-up blocker stays on, as in an agent's browser
    (Playwright switches it off by default): one tab per click, none without a click."""
    executable = require_chromium()
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(user_data_dir),
            executable_path=str(executable),
            headless=True,
            args=list(CHROMIUM_ARGS),
            ignore_default_args=["--disable-popup-blocking"] if block_popups else None,
            **_CONTEXT_OPTIONS,
        )
        try:
            await _offline(context)
            yield context
        finally:
            await context.close()


@asynccontextmanager
async def shared_chromium() -> AsyncIterator[Browser]:
    """One Chromium for a test process; each test gets a fresh context of it
    (``fresh_context``): starting Playwright's driver and a browser per test cost about
    2 CPU-seconds each time."""
    executable = require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def fresh_context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A new, empty browser context (its own cookies, storage and cache: a fresh profile,
    as Playwright isolates contexts); closed afterwards."""
    context = await browser.new_context(**_CONTEXT_OPTIONS)
    try:
        await _offline(context)
        yield context
    finally:
        await context.close()


_NOT_LOCAL: Final = re.compile(r"^(?!http://127\.0\.0\.1|data:|about:)")


async def _offline(context: BrowserContext) -> None:
    # Offline by design: anything but this machine gets an empty answer, so a page a
    # widget embeds or opens never reaches (or waits on) the network. A regular
    # expression, not a Python predicate: Playwright's driver matches it itself, so this
    # machine's requests no longer each make a round trip through the test process.
    await context.route(_NOT_LOCAL, lambda route: route.fulfill(status=204, body=""))


async def axe_violations(page: Page, source: str) -> list[dict[str, Any]]:
    """axe-core's WCAG A/AA rules (contrast and labels among them) on the page as it is;
    the violations of impact serious or critical."""
    # Evaluated over the DevTools protocol: the page's policy (no inline script) stays on.
    await page.evaluate(source + "\n;void 0")
    result: dict[str, Any] = await page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        list(AXE_TAGS),
    )
    return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]


async def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
