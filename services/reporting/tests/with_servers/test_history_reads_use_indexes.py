"""The sweep's reads of collections that grow with history (written-session markers, kept
for the late window; records, kept for ever) are answered by index on the MongoDB-wire
server here (issue 14: FerretDB v1 never plans an ``$in``, so each page's ``$in`` on
``_id`` read every marker and every record ever written). The finds the stores really send
are recorded and explained, over 3,000 stored markers and records of other sessions."""

from datetime import timedelta

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document
from mysessions_platform.testing.query_plans import recorded_finds, unindexed_finds
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.facts_store import WRITTEN, session_key
from reporting_service.adapters.records_store import RECORDS, UNPUBLISHED

from .harness import CHANGELOG, EVENTS, T0, accepted_task, answered_call, make_harness

pytestmark = pytest.mark.integration

HISTORY = 3000  # enough that PostgreSQL's planner prefers an index to reading the table


def _ended_task(session: str, rev: int) -> BaseModel:
    """The call's task on a service without Codes and Tags: final once ended."""
    return accepted_task("acme", session, rev=rev).model_copy(update={"open": False})


async def test_markers_and_records_are_read_by_index(
    servers: Endpoints, reporting_db: AsyncDatabase[Document]
) -> None:
    await (await make_harness(reporting_db)).records.ensure_indexes()
    await reporting_db[WRITTEN].insert_many(
        [
            {
                "_id": session_key("history", f"h-{n}"),
                "tenant_id": "history",
                "session_id": f"h-{n}",
                "facts": [],
                "written_at": T0,
            }
            for n in range(HISTORY)
        ]
    )
    await reporting_db[RECORDS].insert_many(
        [{"_id": f"h-record-{n}", "tenant_id": "history", "ended_at": T0} for n in range(HISTORY)]
    )

    async with recorded_finds(servers.mongodb_url, reporting_db.name) as (watched, finds):
        harness = await make_harness(watched, now=T0 + timedelta(minutes=2))
        for n in range(5):
            await harness.feed(
                *[(EVENTS, e) for e in answered_call("acme", f"s-{n}")],
                *[(CHANGELOG, _ended_task(f"s-{n}", rev)) for rev in range(1, 6)],
            )
        harness.clock.advance(timedelta(seconds=11))
        assert await harness.finalizer.sweep() == 5
        assert harness.finalizer.counts.published == 10
        await harness.feed(*[(EVENTS, e) for e in answered_call("acme", "s-0")])  # redelivered
        harness.clock.advance(timedelta(seconds=11))
        assert await harness.finalizer.sweep() == 0  # judged by its marker: written before
        published_as_stored = {find["collection"] for find in finds.finds}

        # Records a crashed finalizer noted unpublished are read back by id by the next one.
        left = [doc["_id"] async for doc in reporting_db[RECORDS].find({"session_id": "s-0"})]
        await reporting_db[UNPUBLISHED].insert_many([{"_id": record_id} for record_id in left])
        restarted = await make_harness(watched, now=T0 + timedelta(minutes=3))
        await restarted.finalizer.publish_pending()
        assert restarted.finalizer.counts.published == len(left) == 2

    assert RECORDS not in published_as_stored, "the records just stored are never read back"
    history = [find for find in finds.finds if find["collection"] in (WRITTEN, RECORDS)]
    assert {find["collection"] for find in history} == {WRITTEN, RECORDS}
    assert await unindexed_finds(reporting_db, history) == []
