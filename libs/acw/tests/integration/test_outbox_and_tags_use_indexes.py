"""The after-call work outbox (every second in the reporting worker) and the tag counting of
a save select their documents by index on the MongoDB-wire server here, over 3,000 saves
and tag uses of others (issue 14: the outbox's filter on ``published_at: null``, an
``$or`` and a range on ``saved_at`` read every save ever made, every second, on FerretDB
v1). The outbox reads what is in flight only: a save's flag goes once both its marks are
set, and saves an older version left unfinished are flagged once."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from acw.store import ACW_SAVES, AcwSaves
from acw.tags import TAG_COUNTS, TAG_USES, TagCounts
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document, connect
from mysessions_platform.one_time import ONE_TIME_PASSES
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.query_plans import recorded_finds, unindexed_finds
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
OTHERS = 3000  # enough that PostgreSQL's planner prefers an index to reading the table


@pytest.fixture
async def acw_db(
    servers: Endpoints, mongo_databases: MongoDatabases
) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of this test's own, read through a client like the workers'."""
    client = connect(servers.mongodb_url)
    try:
        yield client[mongo_databases.create("acw").name]
    finally:
        await client.close()


def _save(n: int, published: bool) -> Document:
    return {
        "tenant_id": "acme",
        "user_session_id": f"us-{n}",
        "saved_at": T0 + timedelta(seconds=n),
        "event": "{}",
        "published_at": T0 + timedelta(seconds=n) if published else None,
        "tags_counted": published,
    }


async def test_the_outbox_reads_only_the_saves_in_flight_by_index(
    servers: Endpoints, acw_db: AsyncDatabase[Document]
) -> None:
    saves = AcwSaves(acw_db)
    await saves.ensure_indexes()
    await acw_db[ACW_SAVES].insert_many([_save(n, published=True) for n in range(OTHERS)])
    for n in (OTHERS, OTHERS + 1):
        assert await saves.insert_first(_save(n, published=False)) is None
    later = T0 + timedelta(hours=2)

    async with recorded_finds(servers.mongodb_url, acw_db.name) as (watched, seen):
        outbox = AcwSaves(watched)
        due = await outbox.unfinished(later, 500)
        assert [doc["user_session_id"] for doc in due] == [f"us-{OTHERS}", f"us-{OTHERS + 1}"]
        for doc in due:
            await outbox.mark_tags_counted("acme", doc["user_session_id"])
            await outbox.mark_published("acme", doc["user_session_id"], later)
        assert await outbox.unfinished(later, 500) == []  # and their flags go
        assert await outbox.unfinished(later, 500) == []
    assert await acw_db[ACW_SAVES].count_documents({"unfinished": True}) == 0
    assert await unindexed_finds(acw_db, [*seen.finds, *seen.selections]) == []


async def test_saves_an_older_version_left_unfinished_are_flagged_once(
    acw_db: AsyncDatabase[Document],
) -> None:
    await acw_db[ACW_SAVES].insert_many(
        [
            _save(1, published=True),
            _save(2, published=False),
            _save(3, published=True),
            {**_save(4, published=True), "tags_counted": False},
        ]
    )
    saves = AcwSaves(acw_db)
    await saves.ensure_indexes()
    due = await saves.unfinished(T0 + timedelta(hours=1), 10)
    assert [doc["user_session_id"] for doc in due] == ["us-2", "us-4"]
    assert await acw_db[ONE_TIME_PASSES].count_documents({}) == 1
    await acw_db[ACW_SAVES].insert_one(_save(5, published=False))  # no flag, no insert_first
    await AcwSaves(acw_db).ensure_indexes()  # not flagged again: the pass ran
    due = await saves.unfinished(T0 + timedelta(hours=1), 10)
    assert [doc["user_session_id"] for doc in due] == ["us-2", "us-4"]


async def test_counting_a_saves_tags_selects_by_index(
    servers: Endpoints, acw_db: AsyncDatabase[Document]
) -> None:
    tags = TagCounts(acw_db)
    await tags.ensure_indexes()
    await acw_db[TAG_USES].insert_many(
        [
            {
                "tenant_id": f"t-{n % 30}",
                "service_id": "support",
                "key": f"tag {n % 100}",
                "user_session_id": f"us-{n}",
                "display": f"Tag {n % 100}",
            }
            for n in range(OTHERS)
        ]
    )
    async with recorded_finds(servers.mongodb_url, acw_db.name) as (watched, seen):
        await TagCounts(watched).record("acme", "support", "us-1", ("VIP", "Refund"))
        found = await TagCounts(watched).suggest("acme", "support", "v")
    assert [(s.tag, s.count) for s in found] == [("VIP", 1)]
    queries = [q for q in [*seen.finds, *seen.selections] if q["collection"] in (TAG_USES,)]
    assert {q.get("command", "find") for q in queries} == {"aggregate"}  # the recounts
    assert await unindexed_finds(acw_db, queries) == []
    counts = [q for q in [*seen.finds, *seen.selections] if q["collection"] == TAG_COUNTS]
    assert counts  # a small collection (one document per tag): its plan is not asserted
