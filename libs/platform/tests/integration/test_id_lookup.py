"""``IdLookup`` on the MongoDB-wire server here (FerretDB v1 on PostgreSQL): its ``explain``
of an ``$in`` on ``_id`` names no index, so the lookup reads one ``_id`` equality find per
id, each answered by index, and returns exactly what ``$in`` returns (issue 14: an ``$in``
on a collection that grows with history read all of it)."""

import random

import pytest
from mysessions_platform.id_lookup import IdLookup, LookupMode
from mysessions_platform.mongo import Document
from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.query_plans import index_backed, recorded_finds, unindexed_finds

pytestmark = pytest.mark.integration

STORED = 3000  # enough that PostgreSQL's planner prefers an index to reading the table


def _asked(rng: random.Random) -> list[str]:
    """Stored ids, missing ones and duplicates, in any order."""
    ids = [f"doc-{rng.randrange(STORED + 500)}" for _ in range(rng.randrange(0, 60))]
    return ids + rng.sample(ids, k=min(len(ids), 5))


async def test_reads_by_id_are_index_backed_and_equal_to_in(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("id-lookup")
    things = database["things"]
    await things.insert_many(
        [{"_id": f"doc-{n}", "n": n, "tenant_id": f"t-{n % 7}"} for n in range(STORED)]
    )
    probe = {"_id": {"$in": ["doc-1", "doc-2"]}}
    lookup = IdLookup()
    mode = await lookup.detect(things)
    assert mode is (LookupMode.BATCHED if await index_backed(things, probe) else LookupMode.PER_ID)
    assert mode is LookupMode.PER_ID  # FerretDB v1 never plans an $in

    rng = random.Random(14)
    async with recorded_finds(ServerSettings().mongodb_url, database.name) as (watched, finds):
        for _ in range(20):
            asked = _asked(rng)
            found = await lookup.find_by_ids(watched["things"], asked, {"n": 1})
            expected = [doc async for doc in things.find({"_id": {"$in": asked}}, {"n": 1})]
            assert sorted(found, key=_n) == sorted(expected, key=_n)
            batched = await IdLookup(LookupMode.BATCHED).find_by_ids(things, asked, {"n": 1})
            assert sorted(batched, key=_n) == sorted(expected, key=_n)
    assert finds.finds
    assert {tuple(find["filter"]) for find in finds.finds} == {("_id",)}
    assert await unindexed_finds(database, finds.finds[:50]) == []


def _n(doc: Document) -> int:
    return int(doc["n"])
