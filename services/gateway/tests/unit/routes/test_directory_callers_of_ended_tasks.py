"""An ended task whose caller is one of the tenant's own users (the queue keeps its UPN,
nothing else) shows the name the tenant's directory has now, in the list, the search, the
detail panel and the live stream, where its service stored no context (the product
documentation's transfer example, service B: "John Doe (1)"); "Not Available" where the
directory does not know the UPN, and the UPN then shown nowhere. A customer's ended task
shows "Not Available" as before, and a stored record still wins."""

import json
from collections.abc import AsyncIterator

import contracts as c
import pytest
from gateway_service.live.stored_callers import StoredCallerViews

from .builders import a_day_ago, sales_spec, stored_task
from .fakes import FakeContext, rendered
from .in_process import InProcessGateway, in_process_gateway

pytestmark = pytest.mark.unit

UPN = "john.doe@acme.example"
GONE = "left.last.year@acme.example"
JOHN = c.CallerView(display_name="John Doe", address=UPN, company="ACME", source="directory")


def ended_with(caller: str, kind: str, user_session_id: str) -> c.QueueTask:
    """An ended task as the queue keeps it, its caller's address and kind still there."""
    return stored_task("acme", "alice", user_session_id, caller_address=caller, caller_kind=kind)


@pytest.fixture
async def gateway() -> AsyncIterator[InProcessGateway]:
    """Alice (acme): u1, John Doe's call (in the directory); u2, a former user's (no longer
    in it); u3, a customer's number (a task stored before the rule, its address still
    there); u4, John Doe's call whose service stored a record. Another tenant's directory
    knows the former user's UPN."""
    async with in_process_gateway() as running:
        fakes = running.fakes
        fakes.queue.add(ended_with(UPN, "upn", "u1"))
        fakes.queue.add(ended_with(GONE, "upn", "u2"))
        fakes.queue.add(ended_with("+41440000003", "pstn", "u3"))
        fakes.queue.add(ended_with(UPN, "upn", "u4"))
        fakes.context.directory[("acme", UPN)] = JOHN
        fakes.context.directory[("other", GONE)] = JOHN.model_copy(
            update={"display_name": "Other Tenant's User"}
        )
        fakes.context.callers[("acme", ("s-u4", "sales"))] = c.CallerView(
            display_name="John Doe (stored)", address=UPN, source="directory"
        )
        await fakes.settings.apply(sales_spec("acme"), a_day_ago())
        yield running


async def test_the_list_names_a_directory_caller_from_the_directory_only(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        answer = await alice.get("/api/v1/tasks")
    callers = {item["user_session_id"]: item["caller"] for item in answer.json()["items"]}
    assert callers == {
        "u1": {
            "display_name": "John Doe",
            "address": UPN,
            "company": "ACME",
            "source": "directory",
        },
        "u2": {"display_name": "Not Available", "address": None},
        "u3": {"display_name": "Not Available", "address": None},
        "u4": {"display_name": "John Doe (stored)", "address": UPN, "source": "directory"},
    }
    # The kept UPN is for looking up: it never goes out in its own field, nor shown for
    # a user the directory no longer knows; the customer's number never.
    assert "directory_upn" not in answer.text
    assert GONE not in answer.text
    assert "+41440000003" not in answer.text


async def test_search_finds_a_directory_caller_by_the_name_the_directory_has(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        found = (await alice.get("/api/v1/tasks", params={"q": "john doe"})).json()
        gone = (await alice.get("/api/v1/tasks", params={"q": "left.last"})).json()
    assert [item["user_session_id"] for item in found["items"]] == ["u1", "u4"]
    assert gone["total"] == 0


async def test_the_detail_panel_names_a_directory_caller_where_nothing_was_stored(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        john = (await alice.get("/api/v1/tasks/u1")).json()
        gone = (await alice.get("/api/v1/tasks/u2")).json()
        customer = (await alice.get("/api/v1/tasks/u3")).json()
    assert john["caller"] == {"display_name": "John Doe", "address": UPN, "details": {}}
    assert john["session_details"] == []  # nothing stored: only the name, from the directory
    assert gone["caller"] == {"display_name": "Not Available", "address": None, "details": {}}
    assert GONE not in json.dumps(gone)
    assert customer["caller"] == {
        "display_name": "Not Available",
        "address": None,
        "details": {},
    }


async def test_the_live_stream_composes_a_directory_caller_and_drops_an_unknown_upn() -> None:
    context = FakeContext()
    context.directory[("acme", UPN)] = JOHN
    views = StoredCallerViews(context, "acme")
    for task, expected in (
        (ended_with(UPN, "upn", "u1"), JOHN.model_dump(mode="json")),
        (ended_with(GONE, "upn", "u2"), {"display_name": "Not Available", "address": None}),
        (
            ended_with("+41440000003", "pstn", "u3"),
            {"display_name": "Not Available", "address": None},
        ),
    ):
        view = rendered(task, a_day_ago())
        sent = await views.compose(view.model_dump_json(), view.model_dump(mode="json"))
        assert json.loads(sent)["caller"] == expected
