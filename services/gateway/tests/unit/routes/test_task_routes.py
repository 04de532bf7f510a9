"""The agent's list, search, history and detail, in process over fakes: only the token's
tenant and user, another's task answers exactly as a missing one, ended tasks show the
caller their own tenant's service stored, and bad parameters are 422 naming why."""

from collections.abc import AsyncIterator
from typing import Any

import contracts as c
import httpx
import pytest

from .builders import a_day_ago, sales_spec, stored_task
from .in_process import InProcessGateway, in_process_gateway

pytestmark = pytest.mark.unit

STORED_NAME = "Quenby Stored"
OTHER_TENANTS_NAME = "Other Tenant's Caller"


@pytest.fixture
async def gateway() -> AsyncIterator[InProcessGateway]:
    """Alice (acme) has a live call (u1), an ended one in sales whose caller the service
    stored (u2), an ended one in support (u3); Mallory, another agent of acme, has m1; in
    another tenant a user also named alice has e1, and that tenant stored another caller
    for a session of the very ids of u2's."""
    async with in_process_gateway() as running:
        fakes = running.fakes
        fakes.queue.add(stored_task("acme", "alice", "u1", state="connected"))
        fakes.queue.add(stored_task("acme", "alice", "u2"))
        fakes.queue.add(
            stored_task("acme", "alice", "u3", service_id="support", service_name="Support")
        )
        fakes.queue.add(stored_task("acme", "mallory", "m1"))
        fakes.queue.add(stored_task("other", "alice", "e1"))
        fakes.context.callers[("acme", ("s-u2", "sales"))] = c.CallerView(
            display_name=STORED_NAME, address="+41440000002"
        )
        fakes.context.callers[("other", ("s-u2", "sales"))] = c.CallerView(
            display_name=OTHER_TENANTS_NAME, address="+41449999999"
        )
        fakes.queue.positions[("acme", "alice")] = "1733-0"
        fakes.queue.positions[("other", "alice")] = "9999-0"
        await fakes.settings.apply(sales_spec("acme"), a_day_ago())
        yield running


def ids(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [item["user_session_id"] for item in answer.json()["items"]]


async def test_the_list_is_the_callers_own_tasks_only(gateway: InProcessGateway) -> None:
    async with gateway.client("acme", "alice") as alice:
        assert ids(await alice.get("/api/v1/tasks")) == ["u1", "u2", "u3"]
    async with gateway.client("acme", "mallory") as mallory:
        assert ids(await mallory.get("/api/v1/tasks")) == ["m1"]
    async with gateway.client("other", "alice") as other_alice:
        assert ids(await other_alice.get("/api/v1/tasks")) == ["e1"]
    async with gateway.client("acme", "nobody") as nobody:
        answer = await nobody.get("/api/v1/tasks")
    assert answer.json()["items"] == []
    assert answer.json()["total"] == 0


async def test_last_event_id_is_the_callers_own_stream_position(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        assert (await alice.get("/api/v1/tasks")).json()["last_event_id"] == "1733-0"
    async with gateway.client("acme", "mallory") as mallory:
        assert (await mallory.get("/api/v1/tasks")).json()["last_event_id"] == "0-0"


async def test_history_shows_the_caller_its_own_tenants_service_stored(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        items = (await alice.get("/api/v1/tasks")).json()["items"]
        detail = (await alice.get("/api/v1/tasks/u2")).json()
    callers = {item["user_session_id"]: item["caller"]["display_name"] for item in items}
    assert callers == {"u1": "Live Caller", "u2": STORED_NAME, "u3": "Not Available"}
    assert detail["task"]["caller"]["display_name"] == STORED_NAME
    async with gateway.client("other", "alice") as other_alice:
        assert STORED_NAME not in (await other_alice.get("/api/v1/tasks")).text


async def test_search_matches_stored_callers_and_services_of_the_callers_tasks(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        assert ids(await alice.get("/api/v1/tasks", params={"q": "quenby"})) == ["u2"]
        assert ids(await alice.get("/api/v1/tasks", params={"q": "+41440000002"})) == ["u2"]
        assert ids(await alice.get("/api/v1/tasks", params={"q": "other tenant"})) == []
        assert ids(await alice.get("/api/v1/tasks", params={"q": "SALES"})) == ["u1", "u2"]
    async with gateway.client("acme", "mallory") as mallory:
        assert ids(await mallory.get("/api/v1/tasks", params={"q": "quenby"})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"service_id": "support"}, ["u3"]),
        ({"open_only": "true"}, ["u2", "u3"]),
        ({"outcome": "accepted"}, ["u2", "u3"]),
        ({"service_id": "support", "q": "sales"}, []),
    ],
)
async def test_filters(
    gateway: InProcessGateway, params: dict[str, str], expected: list[str]
) -> None:
    async with gateway.client("acme", "alice") as alice:
        assert ids(await alice.get("/api/v1/tasks", params=params)) == expected


async def test_pages_follow_their_cursor_and_a_cursor_of_another_query_is_refused(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        first = (await alice.get("/api/v1/tasks", params={"limit": 2})).json()
        assert [i["user_session_id"] for i in first["items"]] == ["u1", "u2"]
        assert first["total"] == 3
        cursor = first["next_cursor"]
        rest = (await alice.get("/api/v1/tasks", params={"limit": 2, "cursor": cursor})).json()
        assert [i["user_session_id"] for i in rest["items"]] == ["u3"]
        assert rest["next_cursor"] is None
        other_query = await alice.get("/api/v1/tasks", params={"cursor": cursor, "q": "x"})
        assert other_query.status_code == 422
        assert "another search or filter" in other_query.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"q": "x" * 257}, "q"),
        ({"cursor": "x" * 513}, "cursor"),
        ({"outcome": "won"}, "outcome"),
        ({"service_id": "has space"}, "service_id"),
        ({"open_only": "maybe"}, "open_only"),
    ],
)
async def test_bad_list_parameters_are_422_naming_the_parameter(
    gateway: InProcessGateway, params: dict[str, Any], field: str
) -> None:
    async with gateway.client("acme", "alice") as alice:
        answer = await alice.get("/api/v1/tasks", params=params)
    assert answer.status_code == 422, answer.text
    assert [item["loc"] for item in answer.json()["detail"]] == [["query", field]]


@pytest.mark.parametrize("cursor", ["bm90LWEtY3Vyc29y", "not-a-cursor", "e30"])
async def test_a_cursor_this_gateway_never_made_is_422(
    gateway: InProcessGateway, cursor: str
) -> None:
    """Moved here from ``integration/test_tasks_api.py`` with the other bad list parameters
    (and the cursor of another query, the oversized saves: route logic, no seeded world)."""
    async with gateway.client("acme", "alice") as alice:
        answer = await alice.get("/api/v1/tasks", params={"cursor": cursor})
    assert answer.status_code == 422
    assert "not valid" in answer.json()["detail"]


async def test_another_agents_or_tenants_task_answers_like_a_missing_one(
    gateway: InProcessGateway,
) -> None:
    paths = ["/api/v1/tasks/{}", "/api/v1/tasks/{}/tags"]
    async with gateway.client("acme", "alice") as alice:
        missing = [await alice.get(path.format("nope")) for path in paths]
        for task_id in ("m1", "e1", "x" * 129):
            for path, expected in zip(paths, missing, strict=True):
                answer = await alice.get(path.format(task_id))
                assert (answer.status_code, answer.json()) == (404, expected.json())
    assert missing[0].json() == {"detail": "no such task"}


async def test_the_detail_of_an_own_ended_task(gateway: InProcessGateway) -> None:
    async with gateway.client("acme", "alice") as alice:
        answer = await alice.get("/api/v1/tasks/u2")
    assert answer.status_code == 200, answer.text
    detail = answer.json()
    assert detail["task"]["user_session_id"] == "u2"
    assert detail["service"] == {"service_id": "sales", "service_name": "Sales"}
    assert detail["acw"] == {
        "enabled": True,
        "open": True,
        "primary_codes": [{"id": "sale", "label": "Sale"}],
        "secondary_codes": [],
        "saved": None,
    }
    assert detail["caller"]["display_name"] == "Not Available"  # no panel: nothing live
    assert detail["transcript"] == {"state": "none", "lines": []}


async def test_the_detail_shows_settings_of_the_callers_tenant_only(
    gateway: InProcessGateway,
) -> None:
    """The other tenant's alice has a task in a service of the same id; acme's settings
    (codes and tags on) are not hers: her detail shows the all-off default."""
    async with gateway.client("other", "alice") as other_alice:
        detail = (await other_alice.get("/api/v1/tasks/e1")).json()
    assert detail["widgets"]["codes_and_tags"] is False
    assert detail["acw"] is None
    assert detail["service"] == {"service_id": "sales", "service_name": "sales"}
