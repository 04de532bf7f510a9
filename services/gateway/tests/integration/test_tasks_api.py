"""The agent's API on a real gateway: the list in My Sessions order, paged, searched and
filtered; the detail with each widget only where the service switches it on; after-call work
saved once (201, then 409 naming who and when; 422 when refused) and tag suggestions.
Tasks come from the queue's and context's real steps (``seeding``)."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import contracts as c
import httpx
import pytest
from gateway_service.testing import RunningGateway, running_gateway
from mysessions_platform.infra import Endpoints
from queue_service.adapters.keys import agent_events

from .seeding import ALL_ON, Seeder, Session, answered, hours_ago, seeder

pytestmark = pytest.mark.integration

TENANT, AGENT, OTHER = "acme", "alice", "bob"
ZELDA, ZELDA_PHONE = "Zelda Quill", "+41446681801"
OSCAR_PHONE = "+41446681802"
SUPPORT = c.ServiceSettingsSpec(
    tenant_id=TENANT,
    service_id="support",
    service_name="Support",
    widgets=ALL_ON,
    primary_codes=(c.Code(id="sale", label="Sale"), c.Code(id="info", label="Information")),
    secondary_codes=(c.Code(id="vip", label="VIP customer"),),
    context_links=(
        c.ContextLink(name="CRM", url_template="https://crm.example.com/find?n={system.caller}"),
    ),
    embedded_context_url="https://ctx.example.com/panel?s={system.session_id}",
    store_context=True,
)
SALES = c.ServiceSettingsSpec(tenant_id=TENANT, service_id="sales", service_name="Sales")


@dataclass
class World:
    gateway: RunningGateway
    seed: Seeder
    client: httpx.AsyncClient
    ids: dict[str, str]
    """Session id → the agent's user session id."""

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params)


@pytest.fixture
async def world(gateway: RunningGateway) -> AsyncIterator[World]:
    async with seeder(gateway) as seed:
        await seed.settings(SUPPORT)
        await seed.settings(SALES)
        await seed.contact(TENANT, "z", ZELDA, ZELDA_PHONE)
        incoming = (
            Session(TENANT, "s-incoming", hours_ago(0.1))
            .inbound("support", "Support", ZELDA_PHONE)
            .offered(5, AGENT, "support")
        )
        connected = (
            Session(TENANT, "s-connected", hours_ago(0.2))
            .inbound("sales", "Sales", OSCAR_PHONE)
            .offered(5, AGENT, "sales")
            .task(c.TaskAccepted, 8, AGENT)
        )
        done = answered(TENANT, "s-done", AGENT, "support", "Support", ZELDA_PHONE, hours_ago(2))
        rona = (
            Session(TENANT, "s-rona", hours_ago(1))
            .inbound("sales", "Sales", OSCAR_PHONE)
            .offered(5, AGENT, "sales")
            .task(c.TaskRingNoAnswer, 25, AGENT)
            .ended(60)
        )
        bobs = answered(TENANT, "s-bob", OTHER, "support", "Support", ZELDA_PHONE, hours_ago(1.5))
        await seed.feed(incoming, connected, done, rona, bobs)
        ids = {s.session_id: s.user_session_id(AGENT) for s in (incoming, connected, done, rona)}
        headers = gateway.headers(TENANT, AGENT)
        async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers) as client:
            yield World(gateway, seed, client, ids)


async def every_page(here: World, **params: Any) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        answer = await here.get("/api/v1/tasks", **params, **({"cursor": cursor} if cursor else {}))
        assert answer.status_code == 200, answer.text
        page = answer.json()
        seen += [item["session_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


async def test_the_list_is_my_sessions_order_paged_and_only_mine(world: World) -> None:
    answer = await world.get("/api/v1/tasks")
    assert answer.status_code == 200, answer.text
    page = answer.json()
    order = [item["session_id"] for item in page["items"]]
    # incoming on top, then connected, then history most recent first; Bob's task absent
    assert order == ["s-incoming", "s-connected", "s-rona", "s-done"]
    assert page["total"] == 4
    assert page["next_cursor"] is None
    # The queue appended each change to Alice's stream: the position is its newest entry.
    stream = agent_events(world.gateway.settings.queue_key_prefix, TENANT, AGENT)
    client: Any = world.gateway.resources.redis  # redis-py's types: sync and async unions
    ((newest, _),) = await client.xrevrange(stream, count=1)
    assert page["last_event_id"] == newest.decode()
    assert set(page["items"][0]) == set(c.TaskView.model_fields)
    # the live call shows the caller the address book resolved, as its detail does
    from_the_book = {"display_name": ZELDA, "address": ZELDA_PHONE, "source": "address_book"}
    assert page["items"][0]["caller"] == from_the_book
    # the ended task of a service that stores context shows the stored caller
    assert page["items"][3]["caller"] == from_the_book
    assert page["items"][2]["caller"] == {"display_name": "Not Available", "address": None}
    assert await every_page(world, limit=1) == order
    assert await every_page(world, limit=3) == order


async def test_the_next_page_follows_the_last_task_when_calls_arrive(world: World) -> None:
    first = (await world.get("/api/v1/tasks", limit=2)).json()
    assert [item["session_id"] for item in first["items"]] == ["s-incoming", "s-connected"]
    new = Session(TENANT, "s-new", hours_ago(0.01)).inbound("support", "Support", OSCAR_PHONE)
    await world.seed.feed(new.offered(1, AGENT, "support"))  # a call arrives on top
    second = (await world.get("/api/v1/tasks", limit=2, cursor=first["next_cursor"])).json()
    assert [item["session_id"] for item in second["items"]] == ["s-rona", "s-done"]
    assert second["total"] == 5
    assert second["next_cursor"] is None


async def test_last_event_id_is_the_streams_newest_entry(world: World) -> None:
    stream = agent_events(world.gateway.settings.queue_key_prefix, TENANT, AGENT)
    redis = world.gateway.resources.redis
    await redis.xadd(stream, {"view": "{}"})
    newest = await redis.xadd(stream, {"view": "{}"})
    page = (await world.get("/api/v1/tasks")).json()
    assert page["last_event_id"] == (newest.decode() if isinstance(newest, bytes) else newest)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "zelda"}, ["s-incoming", "s-done"]),  # the live call by its resolved name
        ({"q": "  ZELDA "}, ["s-incoming", "s-done"]),
        ({"q": "681802"}, ["s-connected"]),
        ({"q": "SUPP"}, ["s-incoming", "s-done"]),
        ({"service_id": "sales"}, ["s-connected", "s-rona"]),
        ({"outcome": "rona"}, ["s-rona"]),
        ({"open_only": "true"}, ["s-done"]),
        ({"q": "support", "open_only": "true"}, ["s-done"]),
        ({"q": "nobody"}, []),
    ],
)
async def test_search_and_filters(
    world: World, params: dict[str, str], expected: list[str]
) -> None:
    assert await every_page(world, limit=1, **params) == expected
    page = (await world.get("/api/v1/tasks", **params)).json()
    assert page["total"] == len(expected)


async def test_detail_of_an_ended_task_with_every_widget_on(world: World) -> None:
    answer = await world.get(f"/api/v1/tasks/{world.ids['s-done']}")
    assert answer.status_code == 200, answer.text
    detail = answer.json()
    assert detail["task"]["user_session_id"] == world.ids["s-done"]
    assert detail["widgets"] == ALL_ON.model_dump()
    assert detail["service"] == {"service_id": "support", "service_name": "Support"}
    assert detail["caller"]["display_name"] == ZELDA
    assert detail["caller"]["address"] == ZELDA_PHONE
    shown = {row["name"]: row["value"] for row in detail["session_details"]}
    assert shown["session_id"] == "s-done"
    assert detail["context_links"] == [
        {"name": "CRM", "url": "https://crm.example.com/find?n=%2B41446681801"}
    ]
    # Concluded, its service stored context: the page resolves with the stored data.
    assert detail["embedded_context_url"] == "https://ctx.example.com/panel?s=s-done"
    assert detail["transcript"] == {"state": "none", "lines": []}
    assert detail["email"] is None
    assert detail["chat_url"] is None
    assert detail["acw"] == {
        "enabled": True,
        "open": True,
        "primary_codes": [{"id": "sale", "label": "Sale"}, {"id": "info", "label": "Information"}],
        "secondary_codes": [{"id": "vip", "label": "VIP customer"}],
        "saved": None,
    }


async def test_detail_of_a_live_task_shows_its_live_context(world: World) -> None:
    detail = (await world.get(f"/api/v1/tasks/{world.ids['s-incoming']}")).json()
    assert detail["caller"]["display_name"] == ZELDA, "resolved from the address book"
    assert detail["embedded_context_url"] == "https://ctx.example.com/panel?s=s-incoming"
    assert detail["acw"]["open"] is False


async def test_a_concluded_sessions_embedded_page_follows_the_template_configured_now(
    world: World,
) -> None:
    """The product documentation: with storage on, a concluded session's embedded context
    "will resolve with the currently configured URL with a previously saved call
    information"; where the service stored nothing, there is none to show."""
    today = SUPPORT.model_copy(
        update={
            "embedded_context_url": "https://ctx2.example.com/v2/{system.caller}?s={system.session_id}"
        }
    )
    await world.seed.settings(today, hours_ago(0))
    detail = (await world.get(f"/api/v1/tasks/{world.ids['s-done']}")).json()
    assert detail["embedded_context_url"] == "https://ctx2.example.com/v2/%2B41446681801?s=s-done"
    # Sales stores nothing: its concluded task has no page, even with the widget switched on.
    sales = SALES.model_copy(
        update={
            "widgets": c.Widgets(embedded_context=True),
            "embedded_context_url": "https://ctx.example.com/panel?s={system.session_id}",
        }
    )
    await world.seed.settings(sales, hours_ago(0))
    rona = (await world.get(f"/api/v1/tasks/{world.ids['s-rona']}")).json()
    assert rona["widgets"]["embedded_context"] is True
    assert rona["embedded_context_url"] is None


async def test_a_widget_switched_off_is_null(world: World) -> None:
    off = SUPPORT.model_copy(
        update={
            "widgets": ALL_ON.model_copy(
                update={
                    "caller_information": False,
                    "codes_and_tags": False,
                    "context_links": False,
                }
            )
        }
    )
    await world.seed.settings(off, hours_ago(0))
    detail = (await world.get(f"/api/v1/tasks/{world.ids['s-done']}")).json()
    assert (detail["caller"], detail["acw"], detail["context_links"]) == (None, None, None)
    assert detail["session_details"] is not None, "still on"
    everything_off = (await world.get(f"/api/v1/tasks/{world.ids['s-rona']}")).json()
    assert everything_off["widgets"] == c.Widgets().model_dump()
    nulls = ("caller", "session_details", "context_links", "map_url", "embedded_context_url")
    assert all(everything_off[name] is None for name in nulls)
    assert everything_off["transcript"] is None
    assert everything_off["acw"] is None


async def test_after_call_work_saved_once_then_409_with_who_and_when(world: World) -> None:
    path = f"/api/v1/tasks/{world.ids['s-done']}/acw"
    bad = await world.client.post(path, json={"primary_code": "nope"})
    assert bad.status_code == 422
    assert "not in the service's primary codes" in bad.json()["detail"]
    body = {
        "primary_code": "sale",
        "secondary_code": "vip",
        "tags": [" Upsell ", "upsell", "Renewal"],
    }
    saved = await world.client.post(path, json=body)
    assert saved.status_code == 201, saved.text
    first = saved.json()
    assert first["primary_code"] == {"id": "sale", "label": "Sale"}
    assert (first["tags"], first["saved_by"], first["published"]) == (
        ["Upsell", "Renewal"],
        AGENT,
        True,
    )
    again = await world.client.post(path, json={"primary_code": "info"})
    assert again.status_code == 409
    conflict = again.json()
    assert (conflict["saved_by"], conflict["saved_at"]) == (AGENT, first["saved_at"])
    assert "already saved" in conflict["detail"]
    detail = (await world.get(f"/api/v1/tasks/{world.ids['s-done']}")).json()
    assert detail["acw"]["open"] is False
    assert detail["acw"]["saved"]["tags"] == ["Upsell", "Renewal"]
    suggested = await world.get(f"/api/v1/tasks/{world.ids['s-done']}/tags", prefix="UP")
    assert suggested.json() == {"suggestions": [{"tag": "Upsell", "count": 1}]}


@pytest.mark.parametrize(
    ("session", "body", "says"),
    [
        ("s-incoming", {"primary_code": "sale"}, "has not ended"),
        ("s-rona", {}, "not open for after-call work"),
        ("s-done", {}, "a primary code is required"),
    ],
)
async def test_refused_saves_are_422(
    world: World, session: str, body: dict[str, Any], says: str
) -> None:
    answer = await world.client.post(f"/api/v1/tasks/{world.ids[session]}/acw", json=body)
    assert answer.status_code == 422
    assert says in answer.json()["detail"]


async def test_other_tasks_answer_like_missing_ones(world: World) -> None:
    bobs = "s-bob:1:bob"
    for path in (f"/api/v1/tasks/{bobs}", f"/api/v1/tasks/{bobs}/tags", "/api/v1/tasks/nope"):
        answer = await world.get(path)
        assert (answer.status_code, answer.json()) == (404, {"detail": "no such task"})
    post = await world.client.post(f"/api/v1/tasks/{bobs}/acw", json={"primary_code": "sale"})
    assert (post.status_code, post.json()) == (404, {"detail": "no such task"})
    assert (
        await world.get(f"/api/v1/tasks/{world.ids['s-done']}/tags", limit=51)
    ).status_code == 422


async def test_redis_away_is_503_with_retry_after(
    servers: Endpoints, gateway: RunningGateway
) -> None:
    settings = gateway.settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"})
    async with (
        running_gateway(settings) as away,
        httpx.AsyncClient(base_url=away.base_url, headers=away.headers(TENANT, AGENT)) as client,
    ):
        for path in ("/api/v1/tasks", "/api/v1/tasks/s-1"):
            answer = await client.get(path)
            assert answer.status_code == 503, answer.text
            assert answer.headers["retry-after"] == "5"
            assert set(answer.json()) == {"detail"}


async def test_a_caller_no_source_knows_keeps_the_name_the_session_gave(world: World) -> None:
    """The caller ID's (or a mail's sender's) name is the list's; the detail says the same,
    not "Anonymous", when no address book, directory or CRM knows the number."""
    named = c.Party(address="+41446681899", address_kind="pstn", display_name="Ida Named")
    session = Session(TENANT, "s-named", hours_ago(0.05))
    session.add(
        c.SessionStarted,
        0,
        direction="inbound",
        modality="voice",
        service_id="support",
        service_name="Support",
        caller=named,
    )
    session.add(
        c.SessionQueued,
        0,
        service_session_id=session.service_session_id,
        service_id="support",
        service_name="Support",
        priority=1,
    )
    await world.seed.feed(session.offered(5, AGENT, "support"))
    task_id = session.user_session_id(AGENT)
    listed = (await world.get("/api/v1/tasks")).json()["items"]
    [row] = [item for item in listed if item["user_session_id"] == task_id]
    assert row["caller"]["display_name"] == "Ida Named"
    detail = (await world.get(f"/api/v1/tasks/{task_id}")).json()
    assert detail["caller"]["display_name"] == "Ida Named"
    assert detail["caller"]["address"] == "+41446681899"
