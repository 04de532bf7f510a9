"""The detail's widgets in the browser: a live transcript with captions arriving while the
call lives, the context links; screenshots of them as artifacts."""

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from playwright.async_api import BrowserContext, expect

from .browser import screenshot
from .calls import LiveCall, caption
from .world import my_sessions_world

pytestmark = pytest.mark.e2e


async def test_live_captions_show_in_the_transcript_while_the_call_lives(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    browser: BrowserContext,
) -> None:
    async with my_sessions_world(
        servers, kafka_topics, redis_keys, mongo_databases, context=True
    ) as world:
        call = LiveCall("s-talk")
        await world.raw.send_all(call.arrives() + call.accepted())
        await world.raw.send_all([caption(call, 0, "caller", "Hello, my router is blinking red.")])
        await world.listed([call.user_session_id])
        page = await world.open_page(browser)
        await page.locator(f'li.task[data-id="{call.user_session_id}"] button').click()
        transcript = page.locator("#detail .transcript")
        await expect(transcript).to_contain_text("my router is blinking red", timeout=10_000)

        # Captions that arrive while the detail is open are appended by the live stream;
        # a refined caption (same segment) replaces its line.
        await page.wait_for_selector("#live-status[data-state='live']")
        await world.raw.send_all([caption(call, 1, "agent", "Let me hav", final=False)])
        await expect(transcript.locator("li")).to_have_count(2, timeout=5_000)
        await world.raw.send_all([caption(call, 1, "agent", "Let me have a look at it.")])
        await expect(transcript.locator("li").nth(1)).to_have_text(
            "agent: Let me have a look at it."
        )
        await expect(transcript.locator("li")).to_have_count(2)

        links = page.locator("#detail .links a")
        await expect(links).to_have_count(2)
        opened = []
        browser.on("page", lambda new: opened.append(new))
        await browser.route("https://**/*", lambda route: route.fulfill(body="context", status=200))
        await page.get_by_role("button", name="Open all context links").click()
        await page.wait_for_timeout(500)
        assert len(opened) == 2
        await screenshot(page, "transcript")
