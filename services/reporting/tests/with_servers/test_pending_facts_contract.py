"""The in-memory pending facts (the step's unit tests' fake) and the MongoDB
``FactsStore`` keep the same promises, checked by the same assertions against both: a
fact stored twice is one fact, a task reads as its highest revision, the first saved work
is kept, and a touch sets when a session is judged next."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.facts_store import FactsStore
from reporting_service.domain import Code, SessionFact, SessionFacts, Task, Work
from reporting_service.ports import Fact, PendingFacts
from step_fakes.reporting import InMemoryPendingFacts

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
        return await fake.facts_of(TENANT, SESSION)

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
