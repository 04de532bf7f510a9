from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext

from .browser import axe_source, chromium


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    """Debian's Chromium with a fresh profile (user-data dir) for this test alone."""
    async with chromium(tmp_path / "profile") as context:
        yield context


@pytest.fixture(scope="session")
def axe() -> str:
    """axe.min.js (pinned, fetched by scripts/bootstrap.sh) to inject into a page."""
    return axe_source()
