"""Every read of stored context on a hot path is answered by index on the MongoDB-wire
server here (issue 14): the worker's and the gateway's per-session reads (``for_session``,
``latest``) and the tenant admin's pages, first, next and searched. The finds the code
really sends are recorded and explained; a store of 3,000 records in 30 tenants makes a
full scan the planner's worse choice."""

from datetime import UTC, datetime, timedelta

import pytest
from context_service.adapters.stored_context import STORED_CONTEXT, StoredContextStore
from context_service.adapters.stored_listing import Position, StoredContextListing
from mysessions_platform.mongo import Document
from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.query_plans import recorded_finds, unindexed_finds

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _stored(n: int) -> Document:
    """A stored record's indexed fields; nothing reads the rest here."""
    return {
        "_id": f"r-{n}",
        "tenant_id": f"t-{n % 30}",
        "session_id": f"s-{n}",
        "service_id": f"svc-{n % 3}",
        "stored_at": NOW - timedelta(minutes=n),
        "expires_at": NOW + timedelta(days=30),
    }


async def test_per_session_reads_and_admin_pages_are_index_backed(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("ctx-plans")
    store, listing = StoredContextStore(database), StoredContextListing(database)
    await store.ensure_indexes()
    await listing.ensure_indexes()
    await database[STORED_CONTEXT].insert_many([_stored(n) for n in range(3000)])

    async with recorded_finds(ServerSettings().mongodb_url, database.name) as (watched, finds):
        store, listing = StoredContextStore(watched), StoredContextListing(watched)
        # A tenant with no record: the plans are the same, and nothing needs decoding.
        await store.for_session("t-none", "s-1", NOW)
        await store.latest("t-none", "s-1", "svc-1", NOW)
        await listing.page("t-none", NOW, 50)
        await listing.page("t-none", NOW, 50, after=Position(NOW, "r-9"))
        await listing.page("t-none", NOW, 50, search="acme")
    assert len(finds.finds) == 5
    assert await unindexed_finds(database, finds.finds) == []
