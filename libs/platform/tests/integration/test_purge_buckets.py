"""``PurgeBuckets`` on the MongoDB-wire server here: a purge deletes exactly the documents
before its cutoff, each bucket selected by an index-backed equality (issue 14: the
markers' purge by a range on ``written_at`` read every marker, 19 s at 50,000), and
documents of older versions get their bucket once per database."""

from datetime import UTC, datetime, timedelta

import pytest
from mysessions_platform.mongo import as_utc
from mysessions_platform.purge_buckets import PURGE_BUCKETS, PurgeBuckets, bucket_of
from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.query_plans import recorded_finds, unindexed_finds

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
STORED = 3000  # enough that PostgreSQL's planner prefers an index to reading the table


def test_buckets_are_the_hours_as_sortable_strings() -> None:
    assert bucket_of(T0 + timedelta(minutes=59, seconds=59)) == "2026-12-07T05:00:00"
    assert bucket_of(T0 + timedelta(hours=1)) == "2026-12-07T06:00:00"
    assert bucket_of(T0 + timedelta(seconds=25), timedelta(seconds=10)) == "2026-12-07T05:00:20"
    assert bucket_of(datetime(2026, 12, 7, 6, 30)) == "2026-12-07T06:00:00"  # naive: UTC
    later = [bucket_of(T0 + timedelta(minutes=7 * n)) for n in range(200)]
    assert later == sorted(later)


async def test_a_purge_deletes_what_is_before_its_cutoff_by_index(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("purge-buckets")
    buckets = PurgeBuckets(database, "things", "at_bucket", "at")
    await buckets.ensure_indexes()
    docs = [
        buckets.stamp({"_id": f"d{n}", "at": T0 + timedelta(minutes=n * 180 / STORED)})
        for n in range(STORED)
    ]  # three hours: 05:00 to 08:00
    await buckets.note(docs)
    await database["things"].insert_many(docs)

    async with recorded_finds(ServerSettings().mongodb_url, database.name) as (watched, seen):
        purging = PurgeBuckets(watched, "things", "at_bucket", "at")
        half_past_six = T0 + timedelta(minutes=90)
        assert await purging.purge(half_past_six) == STORED // 2
        assert await purging.purge(half_past_six) == 0
        at_seven = T0 + timedelta(hours=2)
        assert await purging.purge(at_seven) == STORED * 2 // 3 - STORED // 2
        assert await purging.purge(at_seven, inclusive=True) == 1

    left = sorted([as_utc(doc["at"]) async for doc in database["things"].find({})])
    assert len(left) == STORED // 3 - 1
    assert left[0] > at_seven
    notes = [note async for note in database[PURGE_BUCKETS].find({"collection": "things"})]
    assert [note["bucket"] for note in notes] == ["2026-12-07T07:00:00"]  # the others ended
    deletes = [s for s in seen.selections if s["collection"] == "things"]
    assert all(s["filter"].get("at_bucket", {}) for s in deletes)  # an equality on the hour
    assert await unindexed_finds(database, deletes + seen.finds) == []


async def test_documents_of_older_versions_get_their_bucket_once(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("purge-buckets")
    await database["things"].insert_many(
        [{"_id": f"old-{n}", "at": T0 + timedelta(minutes=40 * n)} for n in range(4)]
    )
    buckets = PurgeBuckets(database, "things", "at_bucket", "at")
    await buckets.ensure_indexes()
    assert await buckets.stamp_unstamped()
    stamped = {doc["_id"]: doc["at_bucket"] async for doc in database["things"].find({})}
    assert stamped == {
        "old-0": "2026-12-07T05:00:00",
        "old-1": "2026-12-07T05:00:00",
        "old-2": "2026-12-07T06:00:00",
        "old-3": "2026-12-07T07:00:00",
    }
    await database["things"].insert_one({"_id": "old-4", "at": T0})  # not looked for again
    assert not await PurgeBuckets(database, "things", "at_bucket", "at").stamp_unstamped()
    assert await buckets.purge(T0 + timedelta(hours=2)) == 3  # noted when stamped
