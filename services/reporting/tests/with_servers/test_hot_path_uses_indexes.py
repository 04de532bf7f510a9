"""Every query of reporting's hot path selects its documents by index on the MongoDB-wire
server here (issue 14: FerretDB v1 pushes only top-level equality down to its storage, so
an ``$in``, a range or an equality to null read the whole collection, and that cost grew
with everything ever stored). The step, the sweep (records, markers, late facts) and the
purge run over 3,000 stored markers, records, late facts and pending sessions of another
tenant; every find, and every delete's, update's and count's filter they really send
(pymongo's command monitoring) is explained.

Two reads are left out by design, each bounded by what is in flight, not by history:
which sessions are due (``status`` and a range on ``due_at``: the pending sessions) and
which records are unpublished (the ids Kafka has not confirmed); and the purge's notes
(one small document per hour of the late window) are not reporting's collections."""

from datetime import timedelta
from typing import Any

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document
from mysessions_platform.purge_buckets import PurgeBuckets
from mysessions_platform.testing.query_plans import recorded_finds, unindexed_finds
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.facts_store import (
    FACTS,
    NEVER,
    SESSIONS,
    WRITTEN,
    WRITTEN_BUCKET,
    session_key,
)
from reporting_service.adapters.records_store import LATE_FACTS, RECORDS, UNPUBLISHED

from .harness import CHANGELOG, EVENTS, T0, accepted_task, answered_call, make_harness

pytestmark = pytest.mark.integration

HISTORY = 3000  # enough that PostgreSQL's planner prefers an index to reading the table
BY_DESIGN = {(SESSIONS, ("due_at", "status")), (UNPUBLISHED, ("_id",))}


def _ended_task(session: str, rev: int) -> BaseModel:
    """The call's task on a service without Codes and Tags: final once ended."""
    return accepted_task("acme", session, rev=rev).model_copy(update={"open": False})


async def _store_history(database: AsyncDatabase[Document]) -> None:
    """Another tenant's written sessions (markers, records, late facts) and pending ones
    (trackers waiting for their next fact, and their facts), as the stores write them.
    Written a minute apart over 50 hours that end a week after the test's start, so the
    test's purge (a week later) leaves them and their plans are explained over all 3,000."""
    at = T0 + timedelta(days=7)
    marker_hours = PurgeBuckets(database, WRITTEN, WRITTEN_BUCKET, "written_at")
    late_hours = PurgeBuckets(database, LATE_FACTS, "arrived_bucket", "arrived_at")
    sessions = [("history", f"h-{n}") for n in range(HISTORY)]
    markers = [
        marker_hours.stamp(
            {"_id": session_key(*key), "tenant_id": key[0], "session_id": key[1], "facts": []}
            | {"written_at": at - timedelta(minutes=n)}
        )
        for n, key in enumerate(sessions)
    ]
    late = [
        late_hours.stamp(
            {"_id": f"late-{key[1]}", "tenant_id": key[0], "session_id": key[1], "rev": 1}
            | {"fact": "task", "arrived_at": at - timedelta(minutes=n)}
        )
        for n, key in enumerate(sessions)
    ]
    await marker_hours.note(markers)
    await late_hours.note(late)
    await database[WRITTEN].insert_many(markers)
    await database[LATE_FACTS].insert_many(late)
    await database[RECORDS].insert_many(
        [{"_id": f"r-{key[1]}", "tenant_id": key[0], "ended_at": at} for key in sessions]
    )
    pending = [("history", f"p-{n}") for n in range(HISTORY)]
    await database[SESSIONS].insert_many(
        [
            {"_id": session_key(*key), "tenant_id": key[0], "session_id": key[1]}
            | {"status": "pending", "seen_at": at, "due_at": NEVER}
            for key in pending
        ]
    )
    await database[FACTS].insert_many(
        [
            {"_id": f"f-{key[1]}", "key": f"f-{key[1]}", "tenant_id": key[0]}
            | {"session_id": key[1], "kind": "sessionfact", "rev": 0, "body": {}}
            for key in pending
        ]
    )


def _shape(query: Document) -> tuple[str, ...]:
    return tuple(sorted(query["filter"]))


async def test_the_step_the_sweep_and_the_purge_select_by_index(
    servers: Endpoints, reporting_db: AsyncDatabase[Document]
) -> None:
    await make_harness(reporting_db)  # the stores' start: indexes, the one-time passes
    await _store_history(reporting_db)

    async with recorded_finds(servers.mongodb_url, reporting_db.name) as (watched, seen):
        harness = await make_harness(watched, now=T0 + timedelta(minutes=2))
        for n in range(5):
            await harness.feed(
                *[(EVENTS, e) for e in answered_call("acme", f"s-{n}")],
                *[(CHANGELOG, _ended_task(f"s-{n}", rev)) for rev in range(1, 6)],
            )
        harness.clock.advance(timedelta(seconds=11))
        assert await harness.finalizer.sweep() == 5
        await harness.feed((CHANGELOG, _ended_task("s-0", 6)))  # late: after its records
        harness.clock.advance(timedelta(seconds=11))
        assert await harness.finalizer.sweep() == 0
        assert harness.finalizer.counts.late == 1
        harness.clock.advance(timedelta(days=7, minutes=1))  # past the day's late window: purged
        assert await harness.finalizer.sweep() == 0
        assert harness.finalizer.counts.purged == 5
        assert harness.finalizer.counts.purged_late == 1

    ours = {FACTS, SESSIONS, WRITTEN, RECORDS, LATE_FACTS, UNPUBLISHED}
    queries = [q for q in [*seen.finds, *seen.selections] if q["collection"] in ours]
    shapes: dict[tuple[Any, ...], Document] = {}
    for query in queries:
        shapes.setdefault((query["collection"], query.get("command"), _shape(query)), query)
    left_out = {(q["collection"], _shape(q)) for q in shapes.values()} & BY_DESIGN
    assert left_out == BY_DESIGN  # what is left out is really sent, and nothing else
    checked = [q for q in shapes.values() if (q["collection"], _shape(q)) not in BY_DESIGN]
    # Records are only inserted here: the ones just stored are published without a read
    # (a crashed finalizer's are read back by id: test_history_reads_use_indexes).
    assert {q["collection"] for q in checked} == ours - {UNPUBLISHED, RECORDS}
    assert await unindexed_finds(reporting_db, checked) == []
