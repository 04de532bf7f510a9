"""A returning caller's earlier notes through the routes, over fakes: the live row's count
and the detail's list come from the caller's earlier stored sessions joined with the work
saved in those very service sessions; other tenants' records and saves, expired records,
sessions without stored context and the system's conclusions contribute nothing; ended rows
ask nothing; a page of any length is one stored read and one saves read."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from context_service.domain import Caller
from context_service.read import StoredContext

from .builders import stored_task
from .in_process import InProcessGateway, in_process_gateway

pytestmark = pytest.mark.unit

NUMBER = "+41440000000"  # the live tasks' caller (builders.stored_task)


def record(tenant_id: str, session_id: str, days_ago: float, **fields: Any) -> StoredContext:
    stored = datetime.now(UTC) - timedelta(days=days_ago)
    base: dict[str, Any] = {
        "tenant_id": tenant_id,
        "session_id": session_id,
        "service_session_id": f"ss-{session_id}",
        "service_id": "care",
        "service_name": "Care",
        "left_at": stored - timedelta(seconds=5),
        "left_how": "ended",
        "started_at": stored - timedelta(minutes=5),
        "modality": "voice",
        "direction": "inbound",
        "service_upn": None,
        "caller": Caller(address=NUMBER, address_kind="pstn"),
        "parameters": {},
        "stored_at": stored,
        "expires_at": stored + timedelta(days=30),
    }
    return StoredContext(**{**base, **fields})


def save(tenant_id: str, session_id: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "tenant_id": tenant_id,
        "user_session_id": f"{session_id}:1:ada",
        "session_id": session_id,
        "service_session_id": f"ss-{session_id}",
        "user_id": "ada",
        "primary_code": {"id": "complaint", "label": "Complaint"},
        "secondary_code": None,
        "tags": ["vip"],
        "concluded_by": "user",
        "saved_by": "ada",
        "saved_at": datetime.now(UTC) - timedelta(days=1),
    }
    return {**base, **fields}


@pytest.fixture
async def gateway() -> AsyncIterator[InProcessGateway]:
    """Alice (acme) has a live call (u1) from NUMBER and an ended task (u2). NUMBER called
    acme before: e1 (2 days ago, coded and tagged), e2 (stored, but only the system
    concluded it), e3 (expired), e4 (worked, never stored: its service stores nothing);
    and another tenant (e9, e10)."""
    async with in_process_gateway() as running:
        fakes = running.fakes
        fakes.queue.add(stored_task("acme", "alice", "u1", state="connected"))
        fakes.queue.add(stored_task("acme", "alice", "u2"))
        fakes.context.records += [
            record("acme", "e1", 2),
            record("acme", "e2", 1),
            record("acme", "e3", 31),
            record("other", "e9", 1),
            record("other", "e10", 3),
        ]
        for document in (
            save("acme", "e1", secondary_code={"id": "refund", "label": "Refund"}),
            save("acme", "e2", concluded_by="system", saved_by="system", tags=[]),
            save("acme", "e3"),
            save("acme", "e4", tags=["never-stored"]),
            save("other", "e9", tags=["other-tenant"]),
            save("other", "e10", tags=["other-older"]),
        ):
            fakes.saves.documents[(document["tenant_id"], document["user_session_id"])] = document
        yield running


async def test_the_live_row_counts_the_earlier_notes_and_the_ended_row_none(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        items = (await alice.get("/api/v1/tasks")).json()["items"]
    callers = {item["user_session_id"]: item["caller"] for item in items}
    assert callers["u1"]["earlier_notes"] == 1
    assert "earlier_notes" not in callers["u2"]


async def test_the_detail_lists_the_earlier_notes_with_their_dates(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        detail = (await alice.get("/api/v1/tasks/u1")).json()
        ended = (await alice.get("/api/v1/tasks/u2")).json()
    [note] = detail["earlier_notes"]
    left = record("acme", "e1", 2).left_at
    assert abs(datetime.fromisoformat(note["at"]) - left) < timedelta(seconds=5)
    assert note == {
        "at": note["at"],
        "service_name": "Care",
        "primary_code": "Complaint",
        "secondary_code": "Refund",
        "tags": ["vip"],
    }
    assert detail["task"]["caller"]["earlier_notes"] == 1
    assert ended["earlier_notes"] == []


async def test_another_tenants_agent_sees_only_their_own(gateway: InProcessGateway) -> None:
    gateway.fakes.queue.add(stored_task("other", "bob", "u1", state="connected"))
    async with gateway.client("other", "bob") as bob:
        notes = (await bob.get("/api/v1/tasks/u1")).json()["earlier_notes"]
        [item] = (await bob.get("/api/v1/tasks")).json()["items"]
    assert [note["tags"] for note in notes] == [["other-tenant"], ["other-older"]]
    assert item["caller"]["earlier_notes"] == 2


async def test_a_caller_with_nothing_stored_shows_nothing(gateway: InProcessGateway) -> None:
    gateway.fakes.queue.add(
        stored_task("acme", "alice", "u3", state="connected", caller_address="+41449999999")
    )
    async with gateway.client("acme", "alice") as alice:
        items = (await alice.get("/api/v1/tasks")).json()["items"]
        detail = (await alice.get("/api/v1/tasks/u3")).json()
    assert "earlier_notes" not in next(i for i in items if i["user_session_id"] == "u3")["caller"]
    assert detail["earlier_notes"] == []


async def test_a_page_of_many_live_rows_is_one_read_of_each_kind(
    gateway: InProcessGateway,
) -> None:
    fakes = gateway.fakes
    for n in range(300):
        fakes.queue.add(stored_task("acme", "carol", f"c{n}", state="connected"))
    for n in range(300):
        fakes.queue.add(stored_task("acme", "carol", f"h{n}"))
    async with gateway.client("acme", "carol") as carol:
        before = (fakes.context.earlier_reads, fakes.saves.by_service_session_reads)
        items = (await carol.get("/api/v1/tasks", params={"limit": 1000})).json()["items"]
        after = (fakes.context.earlier_reads, fakes.saves.by_service_session_reads)
    assert sum(1 for i in items if i["caller"].get("earlier_notes") == 1) == 300
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
