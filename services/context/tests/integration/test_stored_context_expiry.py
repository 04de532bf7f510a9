"""Stored context on the MongoDB-wire server here (FerretDB, which refuses TTL indexes):
insert-only, and expiry with a controllable clock: visible at 29 days 23 hours, never at or
after 30 days, through the read filter alone and then deleted by the purge."""

from datetime import UTC, datetime, timedelta

import pytest
from context_service.adapters.stored_context import StoredContextStore
from context_service.domain import Caller, Parameter, StoredContext
from mysessions_platform.testing.mongo_databases import MongoDatabases

pytestmark = pytest.mark.integration

STORED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def record(tenant: str, service: str = "svc-a", session: str = "s-1") -> StoredContext:
    return StoredContext(
        tenant_id=tenant,
        session_id=session,
        service_session_id=f"{session}-{service}",
        service_id=service,
        service_name="Service A",
        left_at=STORED_AT,
        left_how="ended",
        started_at=STORED_AT - timedelta(minutes=5),
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=Caller(address="+41446681800", address_kind="pstn", source="address_book"),
        parameters={"Ticket ID": Parameter("#1111", service, f"{session}-{service}")},
        stored_at=STORED_AT,
        expires_at=STORED_AT + timedelta(days=30),
    )


async def test_expiry_by_the_read_filter_alone_then_by_the_purge(
    mongo_databases: MongoDatabases,
) -> None:
    store = StoredContextStore(mongo_databases.create("ctx"))
    assert await store.ensure_indexes() is False  # this server refuses TTL indexes
    assert await store.insert([record("t-exp")]) == 1

    almost = STORED_AT + timedelta(days=29, hours=23)
    found = await store.latest("t-exp", "s-1", "svc-a", almost)
    assert found is not None
    assert found == record("t-exp")
    assert await store.purge(almost) == 0

    for later in (timedelta(days=30), timedelta(days=30, seconds=1), timedelta(days=400)):
        assert await store.latest("t-exp", "s-1", "svc-a", STORED_AT + later) is None
        assert await store.for_session("t-exp", "s-1", STORED_AT + later) == []
    assert await store.count("t-exp") == 1  # only the filter hid it so far

    assert await store.purge(STORED_AT + timedelta(days=30)) == 1
    assert await store.count("t-exp") == 0


async def test_a_record_is_stored_once_whatever_the_redeliveries(
    mongo_databases: MongoDatabases,
) -> None:
    store = StoredContextStore(mongo_databases.create("ctx"))
    await store.ensure_indexes()
    first = record("t-once")
    assert await store.insert([first]) == 1
    assert await store.insert([first, first]) == 0
    assert await store.count("t-once") == 1
