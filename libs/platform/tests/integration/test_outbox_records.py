"""The records of a once-only publish on the real server: the first insert of a task wins,
a published mark is set once and drops what only the publish needed (its in-flight flag
too), and the outbox finds the unpublished records written before an instant, oldest
first."""

from datetime import UTC, datetime, timedelta

import pytest
from mysessions_platform.mongo import Document, as_utc
from mysessions_platform.outbox_records import OutboxRecords
from mysessions_platform.testing.mongo_databases import MongoDatabases
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)


def record(tenant: str, task: str, minutes: int, body: str = "b") -> Document:
    return {
        "tenant_id": tenant,
        "user_session_id": task,
        "written": T0 + timedelta(minutes=minutes),
        "event": body,
        "published_at": None,
    }


async def records(mongo_databases: MongoDatabases) -> OutboxRecords:
    return await records_in(mongo_databases.create("outbox"))


async def records_in(database: AsyncDatabase[Document]) -> OutboxRecords:
    store = OutboxRecords(
        database["records"],
        unique_index="one_per_task",
        written_at="written",
        in_flight_flag="in_flight",
        dropped_when_published=("event",),
    )
    await store.ensure_indexes()
    return store


async def test_the_first_record_of_a_task_wins_and_a_later_one_reads_it_back(
    mongo_databases: MongoDatabases,
) -> None:
    store = await records(mongo_databases)
    assert await store.insert_first(record("acme", "t-1", 0, "first")) is None
    winner = await store.insert_first(record("acme", "t-1", 1, "second"))
    assert winner is not None
    assert winner["event"] == "first"
    assert await store.insert_first(record("other", "t-1", 1)) is None  # per tenant


async def test_published_once_dropping_what_only_the_publish_needed(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("outbox")
    store = await records_in(database)
    await store.insert_first(record("acme", "t-1", 0))
    await store.mark_published("acme", "t-1", T0 + timedelta(minutes=5))
    await store.mark_published("acme", "t-1", T0 + timedelta(minutes=9))  # kept: the first
    found = await store.find("acme", "t-1")
    assert found is not None
    assert as_utc(found["published_at"]) == T0 + timedelta(minutes=5)
    assert "event" not in found
    stored = await database["records"].find_one({}, {"_id": 0})
    assert stored is not None
    assert "in_flight" not in stored  # finished: the outbox no longer reads it


async def test_the_outbox_finds_unpublished_records_written_before_oldest_first(
    mongo_databases: MongoDatabases,
) -> None:
    store = await records(mongo_databases)
    for n, minutes in enumerate([3, 1, 2, 9]):
        await store.insert_first(record("acme", f"t-{n}", minutes))
    await store.mark_published("acme", "t-2", T0 + timedelta(minutes=4))
    pending = await store.in_flight(T0 + timedelta(minutes=5), limit=10)
    assert [r["user_session_id"] for r in pending] == ["t-1", "t-0"]
    assert len(await store.in_flight(T0 + timedelta(minutes=5), limit=1)) == 1
