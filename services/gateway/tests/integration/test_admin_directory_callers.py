"""The tenant admin's lists show a stored directory caller by the name the directory gives
now, like the agent's history does: a record keeps only the address of the tenant's own
user (``source: directory``), so the historical sessions (and their CSV) and the stored
context list look it up again, for a page at once, and never write it back. The product
documentation's footnote (1): "The user name will always be resolved from a UPN / PSTN when
it was found within the existing O365 user directory"."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from context_service.adapters.directory import MongoDirectory
from context_service.adapters.stored_context import StoredContextStore
from context_service.domain import Caller, Parameter, StoredContext
from contracts import SessionRecord
from gateway_service.testing import RunningGateway
from reporting_service.adapters.records_store import RECORDS, to_document

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC).replace(microsecond=0)
UPN = "john.doe@acme.example"
GONE = "left.us@acme.example"


def stored(session: str, upn: str) -> StoredContext:
    """As the context worker stores a directory match: address and source only."""
    return StoredContext(
        tenant_id="acme",
        session_id=session,
        service_session_id=f"{session}-svc-a",
        service_id="svc-a",
        service_name="Service A",
        left_at=NOW - timedelta(hours=1),
        left_how="ended",
        started_at=NOW - timedelta(hours=1, minutes=4),
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=Caller(upn, "upn", "directory", display_name="John Doe").for_storage(),
        parameters={"Ticket ID": Parameter("#1111", "svc-a", f"{session}-svc-a")},
        stored_at=NOW - timedelta(hours=1),
        expires_at=NOW + timedelta(days=29),
    )


def reported(session: str) -> SessionRecord:
    """Reporting's record of the same service session."""
    ended = NOW - timedelta(hours=1)
    started = ended - timedelta(minutes=4)
    fields: dict[str, Any] = {
        "record_id": f"r-{session}",
        "record_type": "service_session",
        "tenant_id": "acme",
        "session_id": session,
        "service_session_id": f"{session}-svc-a",
        "user_session_id": None,
        "service_id": "svc-a",
        "service_name": "Service A",
        "user_id": "ada",
        "modality": "voice",
        "direction": "inbound",
        "outcome_id": "accepted",
        "outcome_name": "Accepted",
        "outcome_group": "handled by user",
        "end_reason": "normal",
        "inferred": False,
        "offers": 1,
        "started_at": started,
        "queued_at": started,
        "offered_at": started,
        "answered_at": started,
        "ended_at": ended,
        "acw_started_at": None,
        "acw_ended_at": None,
        "queue_s": 10.0,
        "ring_s": 3.0,
        "talk_s": 200.0,
        "hold_s": None,
        "acw_s": None,
        "handle_s": 200.0,
        "previous_service_session_id": None,
        "next_service_session_id": None,
        "transfer_target_kind": None,
        "primary_code_id": None,
        "primary_code_label": None,
        "secondary_code_id": None,
        "secondary_code_label": None,
        "tags": (),
        "concluded_by": "user",
        "acw_saved_by": None,
        "written_at": ended,
    }
    return SessionRecord.model_validate(fields)


async def test_admin_lists_show_a_directory_caller_by_the_directorys_name(
    gateway: RunningGateway,
) -> None:
    database = gateway.resources.database
    await StoredContextStore(database).insert([stored("s-john", UPN), stored("s-gone", GONE)])
    await database[RECORDS].insert_many([to_document(reported(s)) for s in ("s-john", "s-gone")])
    directory = MongoDirectory(database)
    await directory.ensure_indexes()
    await directory.collection.insert_one(
        {"tenant_id": "acme", "upn": UPN, "display_name": "John Doe", "company": "Acme"}
    )
    headers = gateway.headers("acme", "boss", ("tenant_admin",))
    async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers) as client:
        history = await client.get("/api/v1/admin/history")
        exported = await client.get("/api/v1/admin/history.csv")
        kept = await client.get("/api/v1/admin/stored-sessions")

    assert history.status_code == 200, history.text
    rows = {row["session_id"]: row["context"] for row in history.json()["items"]}
    assert (rows["s-john"]["caller_name"], rows["s-john"]["caller_address"]) == ("John Doe", UPN)
    assert rows["s-john"]["parameters"] == {"Ticket ID": "#1111"}
    # Someone the directory no longer knows: the address, no name (never a stored one).
    assert (rows["s-gone"]["caller_name"], rows["s-gone"]["caller_address"]) == (None, GONE)

    assert exported.status_code == 200, exported.text
    cells = {row["session_id"]: row for row in csv.DictReader(io.StringIO(exported.text))}
    assert (cells["s-john"]["caller"], cells["s-john"]["caller_address"]) == ("John Doe", UPN)

    assert kept.status_code == 200, kept.text
    callers = {item["session_id"]: item["caller"] for item in kept.json()["items"]}
    assert callers["s-john"] == {"display_name": "John Doe", "address": UPN, "source": "directory"}
    assert callers["s-gone"] == {"display_name": None, "address": GONE, "source": "directory"}

    # Shown, never stored: the records still keep the address only.
    [record] = await StoredContextStore(database).for_session("acme", "s-john", NOW, "svc-a")
    assert record.caller is not None
    assert record.caller.display_name is None
