"""Reporting keeps up whatever it stored before: a batch costs a few MongoDB commands, not
some per message or per session, and what it keeps pending stays bounded under a steady
stream of sessions (facts and trackers gone once written, markers once the late window is
past). Real MongoDB-wire server, a clock the test moves."""

from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from mysessions_platform.id_lookup import IdLookup, LookupMode
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document
from mysessions_platform.testing.mongo_databases import MongoDatabases
from pydantic import BaseModel
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.facts_store import FACTS, SESSIONS, WRITTEN, FactsStore
from reporting_service.adapters.records_store import RECORDS
from reporting_service.adapters.translate import to_task

from .harness import (
    ACW,
    CHANGELOG,
    EVENTS,
    T0,
    accepted_task,
    answered_call,
    make_harness,
    saved_work,
)

pytestmark = pytest.mark.integration

_HOUSEKEEPING = {"hello", "ismaster", "isMaster", "endSessions", "ping", "buildInfo"}


class Commands(monitoring.CommandListener):
    """Counts the commands a client sends, by name."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name not in _HOUSEKEEPING:
            self.sent[event.command_name] += 1

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        return None

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        return None

    def take(self) -> Counter[str]:
        sent, self.sent = self.sent, Counter()
        return sent


@pytest.fixture
async def counted(
    servers: Endpoints, mongo_databases: MongoDatabases
) -> AsyncIterator[tuple[AsyncDatabase[Document], Commands]]:
    commands = Commands()
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        servers.mongodb_url, tz_aware=True, event_listeners=[commands]
    )
    try:
        yield client[mongo_databases.create("rep").name], commands
    finally:
        await client.close()


def _call(session: str) -> list[tuple[str, BaseModel]]:
    return [
        *[(EVENTS, e) for e in answered_call("acme", session)],
        *[(CHANGELOG, _no_work_due("acme", session, rev)) for rev in range(1, 6)],
    ]


def _no_work_due(tenant: str, session: str, rev: int) -> BaseModel:
    """The answered call's task on a service without Codes and Tags: final once ended."""
    return accepted_task(tenant, session, rev=rev).model_copy(update={"open": False})


async def test_a_batch_costs_a_few_commands_whatever_its_sessions(
    counted: tuple[AsyncDatabase[Document], Commands],
) -> None:
    database, commands = counted
    # Reads by id as on MongoDB, one $in each (where the server plans no $in by index,
    # one index-backed find per id instead: test_history_reads_use_indexes.py).
    batched = IdLookup(LookupMode.BATCHED)
    harness = await make_harness(database, now=T0 + timedelta(minutes=2), lookup=batched)
    harness.finalizer.max_pages = 1
    fifty = [message for n in range(50) for message in _call(f"s-{n}")]
    commands.take()

    await harness.feed(*fifty)
    # facts inserted, trackers deleted, then inserted
    assert sum(commands.take().values()) <= 3

    harness.clock.advance(timedelta(seconds=11))
    assert await harness.finalizer.sweep() == 50
    sweep = commands.take()
    # due, facts, settings (read once, cached), records, markers written (their hour
    # noted first, once) and read, trackers read, facts and trackers deleted, unpublished
    # and marked published, purge (the noted hours of markers and of late facts)
    assert sum(sweep.values()) <= 18, sweep
    assert await database[RECORDS].count_documents({}) == 100
    commands.take()

    await harness.feed(*fifty)  # redelivered: nothing late, what it left is deleted
    assert sum(commands.take().values()) <= 3
    harness.clock.advance(timedelta(seconds=11))
    assert await harness.finalizer.sweep() == 0
    assert harness.finalizer.counts.late == 0
    assert await database[FACTS].count_documents({}) == 0
    assert await database[SESSIONS].count_documents({}) == 0


async def test_pending_state_stays_bounded_under_a_steady_stream(
    reporting_db: AsyncDatabase[Document],
) -> None:
    """Every 10 s of the test's clock 5 new calls arrive and the sweep runs, for 5 minutes
    of traffic; markers are kept for a late window of 60 s."""
    harness = await make_harness(reporting_db, now=T0 + timedelta(minutes=2))
    harness.finalizer.late_window = timedelta(seconds=60)
    per_tick, ticks = 5, 30
    most: Counter[str] = Counter()
    written = 0
    for tick in range(ticks):
        calls = [m for n in range(per_tick) for m in _call(f"s-{tick}-{n}")]
        await harness.feed(*calls)
        harness.clock.advance(timedelta(seconds=10))
        written += await harness.finalizer.sweep()
        for name in (FACTS, SESSIONS, WRITTEN):
            most[name] = max(most[name], await reporting_db[name].count_documents({}))

    assert written == ticks * per_tick  # each written once, 10 s after its last fact
    assert await reporting_db[RECORDS].count_documents({}) == 2 * ticks * per_tick
    # Pending: at most the calls of one tick (written at the next sweep).
    assert most[FACTS] <= per_tick * 6  # 5 events and the task's newest revision
    assert most[SESSIONS] <= per_tick
    # Written: those of the late window, plus the minute between two purges, plus a tick.
    assert most[WRITTEN] <= per_tick * (60 + 60 + 10) // 10
    assert await reporting_db[FACTS].count_documents({}) == 0


@pytest.mark.parametrize("order", [(6, 5), (5, 6)])
async def test_an_older_task_revision_never_hides_a_newer_one(
    reporting_db: AsyncDatabase[Document], order: tuple[int, int]
) -> None:
    store = FactsStore(reporting_db)
    await store.ensure_indexes()
    for rev in order:
        task = to_task(accepted_task("acme", "s-1", rev=rev))
        await store.add([("acme", "s-1", task)])
        await store.add([("acme", "s-1", task)])  # redelivered: a no-op
    facts, keys = await store.facts_of("acme", "s-1")
    assert [task.rev for task in facts.tasks.values()] == [6]
    assert list(keys.values()) == [6]
    # In one batch, only the newest revision is stored.
    both = [to_task(accepted_task("acme", "s-2", rev=rev)) for rev in order]
    await store.add([("acme", "s-2", task) for task in both])
    assert await reporting_db[FACTS].count_documents({"session_id": "s-2"}) == 1
    assert [t.rev for t in (await store.facts_of("acme", "s-2"))[0].tasks.values()] == [6]


async def test_another_tenants_session_of_the_same_id_is_left_alone(
    reporting_db: AsyncDatabase[Document],
) -> None:
    harness = await make_harness(reporting_db, now=T0 + timedelta(minutes=2))
    await harness.feed(*_call("s-1"))
    await harness.feed(*[(EVENTS, e) for e in answered_call("other", "s-1")])
    harness.clock.advance(timedelta(seconds=11))
    assert await harness.finalizer.sweep() == 1  # acme's; other's waits for its task
    assert await reporting_db[FACTS].count_documents({"tenant_id": "other"}) == 5
    assert await reporting_db[SESSIONS].count_documents({"tenant_id": "other"}) == 1


async def test_sessions_written_before_the_upgrade_still_count_late_facts(
    reporting_db: AsyncDatabase[Document],
) -> None:
    harness = await make_harness(reporting_db, now=T0 + timedelta(minutes=2))
    events = answered_call("acme", "s-1")
    await harness.feed(*[(EVENTS, e) for e in events])
    key = next(iter((await FactsStore(reporting_db).facts_of("acme", "s-1"))[1]))
    await reporting_db[FACTS].delete_many({})
    await reporting_db[SESSIONS].replace_one(
        {"tenant_id": "acme"},
        {
            "tenant_id": "acme",
            "session_id": "s-1",
            "status": "written",
            "seen_at": T0,
            "due_at": T0,
            "written": [{"key": key, "rev": 0}],
            "written_at": T0 + timedelta(minutes=1),
        },
    )
    harness = await make_harness(reporting_db, now=T0 + timedelta(minutes=3))  # restarted
    await harness.feed((ACW, saved_work("acme", "s-1", T0 + timedelta(minutes=2))))
    harness.clock.advance(timedelta(seconds=11))
    assert await harness.finalizer.sweep() == 0
    assert harness.finalizer.counts.late == 1
    assert await reporting_db[SESSIONS].count_documents({}) == 0
