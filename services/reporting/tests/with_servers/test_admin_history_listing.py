"""The tenant admin's historical sessions over a large stored history (20,000 records of
this tenant and others) on the MongoDB-wire server here: every page, filtered or not, is
answered by index (the finds ``HistoryListing`` really sends, explained), and only the
asked tenant's service records are ever listed, all of them, each once, newest first."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts import SessionRecord
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document
from mysessions_platform.testing.query_plans import recorded_finds, unindexed_finds
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.records_store import RECORDS
from reporting_service.read import HistoryFilter, HistoryListing, HistoryPosition

pytestmark = [pytest.mark.integration, pytest.mark.slow]  # 20,000 records loaded first

T0 = datetime(2026, 11, 1, tzinfo=UTC)
OTHERS = 16_000  # of five other tenants, the same session ids as ours among them
MINE = 4_000  # half service records (listed), half user records (never listed)
LISTED = MINE // 2


def _document(tenant_id: str, n: int, record_type: str) -> Document:
    ended = T0 + timedelta(minutes=n)
    record: Document = {
        "record_id": f"{tenant_id}-{record_type}-{n:05d}",
        "record_type": record_type,
        "tenant_id": tenant_id,
        "session_id": f"s-{n:05d}",
        "service_session_id": f"s-{n:05d}:1",
        "user_session_id": f"s-{n:05d}:1:u" if record_type == "user_session" else None,
        "service_id": "support" if n % 4 == 0 else "sales",
        "service_name": "Sales",
        "user_id": f"agent-{n % 7}",
        "modality": "voice",
        "direction": "inbound",
        "outcome_id": "abandoned" if n % 5 == 0 else "accepted",
        "outcome_name": "Accepted",
        "outcome_group": "handled by user",
        "end_reason": "normal",
        "inferred": False,
        "offers": 1,
        "started_at": ended - timedelta(minutes=3),
        "queued_at": None,
        "offered_at": None,
        "answered_at": None,
        "ended_at": ended,
        "acw_started_at": None,
        "acw_ended_at": None,
        "queue_s": 1.0,
        "ring_s": 1.0,
        "talk_s": 100.0,
        "hold_s": None,
        "acw_s": 0.0,
        "handle_s": 100.0,
        "previous_service_session_id": None,
        "next_service_session_id": None,
        "transfer_target_kind": None,
        "primary_code_id": None,
        "primary_code_label": None,
        "secondary_code_id": None,
        "secondary_code_label": None,
        "tags": [],
        "concluded_by": None,
        "acw_saved_by": None,
        "written_at": ended,
    }
    return {"_id": record["record_id"], **record}


async def _seed(database: AsyncDatabase[Document]) -> None:
    documents = [_document(f"other-{n % 5}", n // 5, "service_session") for n in range(OTHERS)]
    documents += [
        _document("acme", n // 2, "service_session" if n % 2 else "user_session")
        for n in range(MINE)
    ]
    await database[RECORDS].insert_many(documents, ordered=False)


FILTERS: list[tuple[HistoryFilter, Any]] = [
    (HistoryFilter(), lambda r: True),
    (HistoryFilter(service_id="support"), lambda r: r.service_id == "support"),
    (HistoryFilter(user_id="agent-3"), lambda r: r.user_id == "agent-3"),
    (HistoryFilter(outcome_id="abandoned"), lambda r: r.outcome_id == "abandoned"),
    (
        HistoryFilter(ended_from=T0 + timedelta(minutes=100), ended_before=T0 + timedelta(hours=5)),
        lambda r: T0 + timedelta(minutes=100) <= r.ended_at < T0 + timedelta(hours=5),
    ),
    (HistoryFilter(session_id="s-00042"), lambda r: r.session_id == "s-00042"),
    (HistoryFilter(session_id="s-00042:1"), lambda r: r.session_id == "s-00042"),
]


async def test_pages_are_index_backed_and_only_the_tenants(
    servers: Endpoints, reporting_db: AsyncDatabase[Document]
) -> None:
    await HistoryListing(reporting_db).ensure_indexes()
    await _seed(reporting_db)
    every = [
        SessionRecord.model_validate(_strip(_document("acme", n, "service_session")))
        for n in range(LISTED)
    ]

    async with recorded_finds(servers.mongodb_url, reporting_db.name) as (watched, finds):
        listing = HistoryListing(watched)
        for narrowed, kept in FILTERS:
            expected = sorted(
                (r.record_id for r in every if kept(r)), reverse=True
            )  # ids sort as their ended_at here
            listed = await _walk(listing, narrowed)
            assert [r.record_id for r in listed] == expected, narrowed
            assert {r.tenant_id for r in listed} <= {"acme"}
            assert {r.record_type for r in listed} <= {"service_session"}

    assert finds.finds
    assert {find["collection"] for find in finds.finds} == {RECORDS}
    assert await unindexed_finds(reporting_db, finds.finds) == []


async def _walk(listing: HistoryListing, narrowed: HistoryFilter) -> list[SessionRecord]:
    """Every page, 200 a page, by the cursor each page hands out."""
    listed: list[SessionRecord] = []
    after: HistoryPosition | None = None
    while True:
        page = await listing.page("acme", narrowed, 200, after)
        listed += page.records
        if page.next is None:
            return listed
        after = page.next


def _strip(document: Document) -> Document:
    return {k: v for k, v in document.items() if k != "_id"}
