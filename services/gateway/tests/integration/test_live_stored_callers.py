"""The live stream shows an ended task's caller as the list does: the one its service
stored (context storage opted in), not the queue's "Not Available". Tasks come from the
queue's and the context service's real steps (``seeding``)."""

import json

import contracts as c
import httpx
import pytest
from gateway_service.live_position import live_position
from gateway_service.testing import RunningGateway
from mysessions_platform.sse_client import received_events

from .seeding import Session, hours_ago, seeder

pytestmark = pytest.mark.integration

TENANT, AGENT = "acme", "alice"
NAME, PHONE = "Zelda Quill", "+41446681801"
STORING = c.ServiceSettingsSpec(
    tenant_id=TENANT,
    service_id="support",
    service_name="Support",
    widgets=c.Widgets(codes_and_tags=True, caller_information=True),
    store_context=True,
)


async def streamed_views(
    gateway: RunningGateway, after: str, count: int
) -> list[dict[str, object]]:
    headers = {**gateway.headers(TENANT, AGENT), "Last-Event-ID": after}
    views: list[dict[str, object]] = []
    async with (
        httpx.AsyncClient(base_url=gateway.base_url, timeout=httpx.Timeout(10, read=10)) as client,
        client.stream("GET", "/api/v1/live", headers=headers) as response,
    ):
        assert response.status_code == 200
        async for event in received_events(response.aiter_lines()):
            if event.event == "task":
                views.append(json.loads(event.data))
                if len(views) == count:
                    return views
    raise AssertionError(f"the stream ended after {views}")


async def test_an_ended_tasks_view_on_the_stream_has_its_stored_caller(
    gateway: RunningGateway,
) -> None:
    async with seeder(gateway) as seed:
        await seed.settings(STORING)
        await seed.contact(TENANT, "z", NAME, PHONE)
        call = (
            Session(TENANT, "s-1", hours_ago(0.1))
            .inbound("support", "Support", PHONE)
            .offered(5, AGENT, "support")
            .task(c.TaskAccepted, 8, AGENT)
        )
        await seed.feed(call)
        redis, prefix = gateway.resources.redis, gateway.settings.queue_key_prefix
        before_the_end = await live_position(redis, prefix, TENANT, AGENT)
        ending = Session(TENANT, "s-1", call.t0).ended(300)
        await seed.feed(ending)

    async with httpx.AsyncClient(base_url=gateway.base_url) as client:
        page = await client.get("/api/v1/tasks", headers=gateway.headers(TENANT, AGENT))
    listed = page.json()["items"]
    from_the_book = {"display_name": NAME, "address": PHONE, "source": "address_book"}
    assert listed[0]["caller"] == from_the_book, "the list's"
    [ended] = await streamed_views(gateway, before_the_end, 1)
    assert ended["state"] == "ended"
    assert ended["caller"] == from_the_book
    assert c.TaskView.model_validate(ended), "still the one TaskView"


async def test_a_live_tasks_view_on_the_stream_has_its_resolved_caller(
    gateway: RunningGateway,
) -> None:
    """The queue writes the name upstream sent ("Anonymous" here); the stream sends the
    caller the address book resolved, as the list and the detail show it."""
    async with seeder(gateway) as seed:
        await seed.settings(STORING)
        await seed.contact(TENANT, "z", NAME, PHONE)
        call = (
            Session(TENANT, "s-2", hours_ago(0.1))
            .inbound("support", "Support", PHONE)
            .offered(5, AGENT, "support")
        )
        await seed.feed(call)
        redis, prefix = gateway.resources.redis, gateway.settings.queue_key_prefix
        before_the_answer = await live_position(redis, prefix, TENANT, AGENT)
        await seed.feed(Session(TENANT, "s-2", call.t0).task(c.TaskAccepted, 8, AGENT))

    [answered] = await streamed_views(gateway, before_the_answer, 1)
    assert answered["state"] == "connected"
    assert answered["caller"] == {"display_name": NAME, "address": PHONE, "source": "address_book"}
