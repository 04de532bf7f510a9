"""The detail's widgets in the browser: a live transcript with captions arriving while the
call lives, the context links, an e-mail task's preview and reply; screenshots of them as
artifacts."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import BrowserContext, expect

from .browser import screenshot
from .calls import LiveCall, caption, email_arrives
from .world import World

pytestmark = pytest.mark.e2e


@pytest.fixture
def context_worker() -> bool:
    """The transcript, the captions and the mail come through the context worker."""
    return True


@pytest.mark.slow
async def test_live_captions_show_in_the_transcript_while_the_call_lives(
    browser: BrowserContext,
    world: World,
) -> None:
    call = LiveCall("s-talk")
    await world.raw.send_all(call.arrives() + call.accepted())
    await world.raw.send_all([caption(call, 0, "caller", "Hello, my router is blinking red.")])
    await world.listed([call.user_session_id])
    # The configured pages (context links, embedded context), served here: no network.
    await browser.route("https://**/*", lambda route: route.fulfill(body="context", status=200))
    page = await world.open_page(browser)
    await page.locator(f'li.task[data-id="{call.user_session_id}"] button').click()
    transcript = page.locator("#detail .transcript")
    await expect(transcript).to_contain_text("my router is blinking red", timeout=10_000)
    # Session details as a person reads them: labels, not field names; local times.
    details = page.locator("#detail .widget", has_text="Session details")
    await expect(details.get_by_text("Started", exact=True)).to_be_visible()
    await expect(details).not_to_contain_text("started_at")

    # Captions that arrive while the detail is open are appended by the live stream;
    # a refined caption (same segment) replaces its line.
    await page.wait_for_selector("#live-status[data-state='live']")
    await world.raw.send_all([caption(call, 1, "agent", "Let me hav", final=False)])
    await expect(transcript.locator("li")).to_have_count(2, timeout=5_000)
    await world.raw.send_all([caption(call, 1, "agent", "Let me have a look at it.")])
    await expect(transcript.locator("li").nth(1)).to_have_text("agent: Let me have a look at it.")
    await expect(transcript.locator("li")).to_have_count(2)

    links = page.locator("#detail .links a")
    await expect(links).to_have_count(2)
    opened = []
    browser.on("page", lambda new: opened.append(new))
    await page.get_by_role("button", name="Open all context links").click()
    await page.wait_for_timeout(500)
    assert len(opened) == 2
    # Pop-ups allowed (this browser): nothing to tell the agent; no tab reaches back.
    await expect(page.locator("#detail .popup-status")).to_have_text("")
    assert [await tab.evaluate("() => window.opener") for tab in opened] == [None, None]
    await screenshot(page, "transcript")

    # The embedded context: the configured page, sandboxed; once the call ended, only what
    # the service stored (Support stores nothing: "Not Available").
    frame = page.locator("#detail iframe.embedded")
    await expect(frame).to_have_attribute("src", "https://context.example.com/calls?session=s-talk")
    await expect(frame).to_have_attribute(
        "sandbox", "allow-scripts allow-forms allow-popups allow-same-origin"
    )
    await expect(page.frame_locator("#detail iframe.embedded").locator("body")).to_have_text(
        "context"
    )
    await world.raw.send_all(call.ends())
    await expect(page.locator("#detail .result-label")).to_have_text("Accepted")
    await expect(frame).to_have_count(0)
    await expect(page.locator("#detail .embedded-widget")).to_contain_text("Not Available")

    # No answer at all (the gateway restarting, the network gone): a message a person
    # can act on, not the browser's "Failed to fetch".
    await page.route("**/api/v1/tasks/*", lambda route: route.abort())
    await page.locator(f'li.task[data-id="{call.user_session_id}"] button').click()
    await expect(page.locator("#detail [role=alert]")).to_contain_text("cannot be reached")


HOSTILE_MAIL = (
    "<h1>Invoice 42</h1><p>Hello, my <b>invoice</b> is wrong.</p>"
    '<img src="https://tracker.example.net/pixel.gif" alt="">'
    "<script>parent.document.title = 'owned'</script>"
    '<form action="https://phish.example.net/"><input name="password"></form>'
    '<p><a href="https://shop.example.com/orders/42">My order</a></p>'
)


@asynccontextmanager
async def tracker() -> AsyncIterator[tuple[str, list[str]]]:
    """A tracking server on this machine: its base URL and the paths requested from it.
    (Counted where it is served: a sandboxed srcdoc frame's requests reach no Playwright
    event.)"""
    hits: list[str] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readline()
        hits.append(request.decode(errors="replace").split(" ")[1:2][0] if request else "")
        writer.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", hits
    finally:
        server.close()
        await server.wait_closed()


async def test_an_email_task_shows_the_sanitized_mail_and_sends_the_reply_once(
    browser: BrowserContext,
    world: World,
) -> None:
    mail = LiveCall("s-mail")
    await world.raw.send_all(email_arrives(mail, "Invoice 42", HOSTILE_MAIL) + mail.accepted())
    await world.listed([mail.user_session_id])
    page = await world.open_page(browser)
    await page.locator(f'li.task[data-id="{mail.user_session_id}"] button').click()
    widget = page.locator("#detail .email")
    await expect(widget.locator(".email-subject")).to_have_text("Invoice 42")
    preview = page.frame_locator("#detail iframe.email-preview")
    await expect(preview.locator("h1")).to_have_text("Invoice 42")
    await expect(preview.locator("a")).to_have_attribute(
        "href", "https://shop.example.com/orders/42"
    )
    await expect(preview.locator("script, form, input")).to_have_count(0)
    assert await page.title() == "My Sessions"

    # The preview's own policy holds even for HTML a sanitizer let through.
    async with tracker() as (tracking, hits):
        await page.evaluate(
            """async (html) => {
                const { emailWidget } = await import("/static/email.js");
                const mail = { subject: "raw", sender: { address: "a@example.com" }, html };
                document.body.append(emailWidget(mail, "raw"));
            }""",
            f'<img src="{tracking}/pixel.gif" alt="">'
            f'<link rel="stylesheet" href="{tracking}/style.css">'
            f'<p style="background: url({tracking}/background.png)">x</p>',
        )
        await page.wait_for_timeout(700)
    assert hits == []  # no tracking pixel, no remote anything
    await page.evaluate("() => document.body.lastElementChild.remove()")

    await widget.get_by_label("Reply").fill("Dear Ann, a corrected invoice follows.")
    await widget.get_by_role("button", name="Save draft").click()
    await expect(widget.locator(".form-status")).to_contain_text("Draft saved at")
    await screenshot(page, "email")
    await widget.get_by_role("button", name="Send reply").click()
    await expect(widget.locator(".form-status")).to_contain_text("Reply sent at")
    await expect(widget.get_by_role("button", name="Send reply")).to_be_disabled()

    await page.reload()
    await page.wait_for_selector("body[data-loaded='true']")
    await page.locator(f'li.task[data-id="{mail.user_session_id}"] button').click()
    await expect(page.locator("#detail .email")).to_contain_text("A reply was sent.")
    await expect(page.locator("#detail").get_by_label("Reply")).to_be_disabled()
