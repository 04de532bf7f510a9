"""Live rows show the caller the context service resolved (name, company, source), as the
detail panel does, in the list and in search; an ended task never shows a live session's
caller (the call may go on with someone else); a page of any length is one live read."""

from collections.abc import AsyncIterator

import contracts as c
import pytest

from .builders import stored_task
from .in_process import InProcessGateway, in_process_gateway

pytestmark = pytest.mark.unit

RESOLVED = c.CallerView(
    display_name="Jane Resolved",
    address="+41440000000",
    company="Contoso AG",
    source="address_book",
)


@pytest.fixture
async def gateway() -> AsyncIterator[InProcessGateway]:
    """Alice (acme) has a live call (u1) and an ended task (u2) of sessions the context
    service resolved; another tenant resolved a different caller for u1's session id."""
    async with in_process_gateway() as running:
        fakes = running.fakes
        fakes.queue.add(stored_task("acme", "alice", "u1", state="connected"))
        fakes.queue.add(stored_task("acme", "alice", "u2"))
        fakes.queue.add(stored_task("other", "bob", "u1", state="connected"))
        fakes.context.live[("acme", "s-u1")] = RESOLVED
        fakes.context.live[("acme", "s-u2")] = RESOLVED
        fakes.context.live[("other", "s-u1")] = c.CallerView(
            display_name="Other Tenant", address="+41449999999", source="crm"
        )
        yield running


async def test_a_live_row_shows_the_resolved_caller_with_company_and_source(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        items = (await alice.get("/api/v1/tasks")).json()["items"]
    callers = {item["user_session_id"]: item["caller"] for item in items}
    assert callers["u1"] == {
        "display_name": "Jane Resolved",
        "address": "+41440000000",
        "company": "Contoso AG",
        "source": "address_book",
    }
    # Ended: the queue's "Not Available", never the live session's caller.
    assert callers["u2"] == {"display_name": "Not Available", "address": None}


async def test_search_by_the_resolved_name_or_company_finds_the_live_call(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        by_name = (await alice.get("/api/v1/tasks", params={"q": "jane res"})).json()
        by_company = (await alice.get("/api/v1/tasks", params={"q": "contoso"})).json()
        others = (await alice.get("/api/v1/tasks", params={"q": "other tenant"})).json()
    assert [item["user_session_id"] for item in by_name["items"]] == ["u1"]
    assert by_name["items"][0]["caller"]["source"] == "address_book"
    assert [item["user_session_id"] for item in by_company["items"]] == ["u1"]
    assert others["total"] == 0
    async with gateway.client("other", "bob") as bob:
        assert (await bob.get("/api/v1/tasks", params={"q": "jane"})).json()["total"] == 0


async def test_a_page_of_a_thousand_live_rows_is_one_live_read(
    gateway: InProcessGateway,
) -> None:
    fakes = gateway.fakes
    for n in range(1000):
        fakes.queue.add(stored_task("acme", "carol", f"c{n}", state="connected"))
        fakes.context.live[("acme", f"s-c{n}")] = RESOLVED.model_copy(
            update={"display_name": f"Caller {n:04d}"}
        )
    async with gateway.client("acme", "carol") as carol:
        fakes.context.live_reads = 0
        whole = (await carol.get("/api/v1/tasks", params={"limit": 1000})).json()
        page_reads = fakes.context.live_reads
        fakes.context.live_reads = 0
        search = (await carol.get("/api/v1/tasks", params={"q": "caller 0999"})).json()
        search_reads = fakes.context.live_reads
    assert len(whole["items"]) == 1000
    assert {item["caller"]["display_name"] for item in whole["items"]} == {
        f"Caller {n:04d}" for n in range(1000)
    }
    assert page_reads == 1
    assert search["total"] == 1
    assert search_reads == 1
