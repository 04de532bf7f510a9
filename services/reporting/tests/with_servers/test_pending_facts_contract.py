"""The in-memory pending facts and records (the step's and the sweep's unit tests' fakes)
and the MongoDB ``FactsStore`` and ``RecordsStore`` keep the same promises, checked by the
same assertions against both: a fact stored twice is one fact, a task reads as its highest
revision, the first saved work is kept, a touch sets when a session is judged next, a wait
or a forget leaves what a fact touched since, a written session keeps its first marker, a
record is stored once and stays unpublished until marked, a late fact is stored once."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.facts_store import FactsStore
from reporting_service.adapters.records_store import RecordsStore
from reporting_service.adapters.translate import to_contract
from reporting_service.domain import Code, SessionFact, SessionFacts, Task, Work, build_records
from reporting_service.ports import Fact, PendingFacts
from reporting_service.step import late_document
from step_fakes.reporting import InMemoryPendingFacts, InMemoryRecords

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TENANT, SESSION = "tenant-a", "s-1"


@dataclass
class Subject:
    """A store, the read that shows what it holds, and which sessions are due when."""

    store: PendingFacts
    read: Callable[[], Awaitable[SessionFacts]]
    due: Callable[[datetime], Awaitable[set[tuple[str, str]]]]


@pytest.fixture(params=["in memory", "mongodb"])
async def subject(request: pytest.FixtureRequest, reporting_db: AsyncDatabase[Document]) -> Subject:
    if request.param == "mongodb":
        real = FactsStore(reporting_db)
        await real.ensure_indexes()

        async def read_real() -> SessionFacts:
            return (await real.facts_of(TENANT, SESSION))[0]

        async def due_real(now: datetime) -> set[tuple[str, str]]:
            return {tracker.key for tracker in await real.due(now, 100)}

        return Subject(real, read_real, due_real)
    fake = InMemoryPendingFacts()

    async def read_fake() -> SessionFacts:
        return (await fake.facts_of(TENANT, SESSION))[0]

    async def due_fake(now: datetime) -> set[tuple[str, str]]:
        return {key for key, tracked in fake.trackers.items() if tracked.due_at <= now}

    return Subject(fake, read_fake, due_fake)


def task(rev: int, state: str = "ended") -> Task:
    return Task(
        user_session_id="us-1",
        user_id="agent-1",
        service_session_id="ss-1",
        service_id="support",
        service_name="Support",
        modality="voice",
        direction="inbound",
        state=state,
        outcome="accepted" if state == "ended" else None,
        end_reason=None,
        inferred=False,
        open=True,
        started_at=T0,
        queued_at=None,
        offered_at=T0,
        ring_ended_at=None,
        accepted_at=None,
        ended_at=None,
        dialing_at=None,
        answered_at=None,
        rev=rev,
    )


def work(code: str) -> Work:
    return Work("us-1", T0, "user", "agent-1", primary=Code(code, code.title()))


EVENT = SessionFact(event_id="e-1", kind="session.ended", at=T0)


async def test_a_fact_stored_twice_is_one_fact(subject: Subject) -> None:
    batch: list[tuple[str, str, Fact]] = [(TENANT, SESSION, EVENT), (TENANT, SESSION, task(2))]
    await subject.store.add(batch)
    await subject.store.add(batch)

    facts = await subject.read()

    assert list(facts.events.values()) == [EVENT]
    assert [t.rev for t in facts.tasks.values()] == [2]


async def test_a_task_reads_as_its_highest_revision_whatever_the_order(subject: Subject) -> None:
    await subject.store.add([(TENANT, SESSION, task(7))])
    await subject.store.add([(TENANT, SESSION, task(3, state="connected"))])

    [kept] = (await subject.read()).tasks.values()

    assert (kept.rev, kept.state) == (7, "ended")


async def test_the_first_saved_work_is_kept(subject: Subject) -> None:
    await subject.store.add([(TENANT, SESSION, work("sale"))])
    await subject.store.add([(TENANT, SESSION, work("other"))])

    [kept] = (await subject.read()).work.values()

    assert kept.primary == Code("sale", "Sale")


async def test_a_touched_session_is_due_at_its_settle_time_and_a_new_touch_resets_it(
    subject: Subject,
) -> None:
    await subject.store.touch([(TENANT, SESSION)], T0, T0 + timedelta(seconds=10))
    await subject.store.touch(
        [(TENANT, SESSION)], T0 + timedelta(seconds=5), T0 + timedelta(seconds=15)
    )

    assert await subject.due(T0 + timedelta(seconds=10)) == set()
    assert await subject.due(T0 + timedelta(seconds=15)) == {(TENANT, SESSION)}


Facts = FactsStore | InMemoryPendingFacts
Records = RecordsStore | InMemoryRecords
KEY = (TENANT, SESSION)


@pytest.fixture(params=["in memory", "mongodb"])
async def sweep_stores(
    request: pytest.FixtureRequest, reporting_db: AsyncDatabase[Document]
) -> tuple[Facts, Records]:
    """The stores the sweep judges and writes with."""
    if request.param == "in memory":
        return InMemoryPendingFacts(), InMemoryRecords()
    facts, records = FactsStore(reporting_db), RecordsStore(reporting_db)
    await facts.ensure_indexes()
    await records.ensure_indexes()
    return facts, records


async def test_a_wait_postpones_a_session_unless_a_fact_came_since(
    sweep_stores: tuple[Facts, Records],
) -> None:
    facts, _ = sweep_stores
    await facts.touch([KEY], T0, T0 + timedelta(seconds=10))
    [read] = await facts.due(T0 + timedelta(seconds=10), 10)
    await facts.touch([KEY], T0 + timedelta(seconds=5), T0 + timedelta(seconds=15))

    await facts.wait([(read, T0 + timedelta(hours=1))])
    [again] = await facts.due(T0 + timedelta(seconds=15), 10)
    assert again.seen_at == T0 + timedelta(seconds=5), "a fact came since: still due"

    await facts.wait([(again, None)])
    assert await facts.due(T0 + timedelta(days=365), 10) == [], "until its next fact"


async def test_forget_takes_the_facts_read_and_leaves_a_fact_and_tracker_that_came_since(
    sweep_stores: tuple[Facts, Records],
) -> None:
    facts, _ = sweep_stores
    await facts.add([(TENANT, SESSION, EVENT), (TENANT, SESSION, task(2))])
    await facts.touch([KEY], T0, T0)
    read: dict[tuple[str, str], list[str]] = {}
    await facts.facts_of_many([KEY], read)
    later = SessionFact(event_id="e-2", kind="session.ended", at=T0)
    await facts.add([(TENANT, SESSION, later)])
    await facts.touch([KEY], T0 + timedelta(seconds=1), T0 + timedelta(seconds=1))

    await facts.forget({KEY: T0}, read)

    left, _ = await facts.facts_of(TENANT, SESSION)
    assert (list(left.events), left.tasks) == (["e-2"], {})
    assert await facts.seen_at_of([KEY]) == {KEY: T0 + timedelta(seconds=1)}

    await facts.forget({KEY: T0 + timedelta(seconds=1)}, {})
    assert await facts.seen_at_of([KEY]) == {}


async def test_a_written_sessions_first_marker_is_kept(
    sweep_stores: tuple[Facts, Records],
) -> None:
    facts, _ = sweep_stores
    first = {'["task","t","s","us-1"]': 2}

    assert await facts.mark_written([(KEY, first)], T0) == {KEY: first}
    assert await facts.mark_written([(KEY, {'["task","t","s","us-1"]': 3})], T0) == {KEY: first}
    assert await facts.written_of([KEY, (TENANT, "other")]) == {KEY: first}


async def test_a_record_is_stored_once_and_unpublished_until_marked(
    sweep_stores: tuple[Facts, Records],
) -> None:
    _, records = sweep_stores
    ended = SessionFact(event_id="e-1", kind="session.ended", at=T0 + timedelta(minutes=1))
    ended_task = replace(task(1), ended_at=T0 + timedelta(minutes=1))
    session = SessionFacts(TENANT, SESSION, tasks={"us-1": ended_task}, events={"e-1": ended})
    built = [to_contract(record, T0) for record in build_records(session)]

    assert await records.insert(built) == built
    changed = [record.model_copy(update={"end_reason": "changed"}) for record in built]
    assert await records.insert(changed) == [], "stored before: the first version stays"

    assert await records.of_session(TENANT, SESSION) == built
    assert await records.unpublished(10) == built
    await records.mark_published([record.record_id for record in built])
    assert await records.unpublished(10) == []


async def test_a_late_fact_is_stored_once(sweep_stores: tuple[Facts, Records]) -> None:
    _, records = sweep_stores
    late = late_document(TENANT, SESSION, '["task","t","s","us-1"]', 3, T0)

    await records.add_late([late])
    await records.add_late([dict(late)])

    [stored] = await records.late_facts(TENANT, SESSION)
    assert (stored["_id"], stored["rev"], stored["fact"]) == (late["_id"], 3, "task")
