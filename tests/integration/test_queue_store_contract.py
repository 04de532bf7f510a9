"""The in-memory session store (the queue step's unit tests' fake) and the Redis
``TaskStore`` keep the same promises, checked by the same assertions against both: a fact
is kept as first stored, a task never moves back a revision, an old ended task is dropped,
a session that is over loses its caller, a live session's activity only moves forward, and
an idle entry is forgotten only as it was read."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c
import pytest
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters.store import TaskStore
from queue_service.adapters.store_types import SessionKey, SessionTasks
from queue_service.adapters.translate import to_fact
from queue_service.domain import Fact, HistoryPolicy, fold
from step_fakes.queue import InMemorySessionStore

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=5)
WINDOW = timedelta(days=30)
TENANT, SESSION, AGENT = "tenant-a", "s-1", "agent-1"
KEY = SessionKey(TENANT, SESSION)
US = f"{SESSION}:{AGENT}:1"

Store = InMemorySessionStore | TaskStore


@pytest.fixture(params=["in memory", "redis"])
def store(request: pytest.FixtureRequest, redis_keys: RedisKeys) -> Store:
    if request.param == "in memory":
        return InMemorySessionStore(WINDOW)
    policy = HistoryPolicy(window=WINDOW)
    return TaskStore(redis_keys.client, redis_keys.prefix, policy, timedelta(days=1))


def _common(seconds: int) -> dict[str, Any]:
    return {
        "event_id": uuid4(),
        "occurred_at": T0 + timedelta(seconds=seconds),
        "tenant_id": TENANT,
        "session_id": SESSION,
    }


def offered_call() -> list[Fact]:
    who: dict[str, Any] = {
        "service_session_id": f"{SESSION}:1",
        "user_session_id": US,
        "user_id": AGENT,
    }
    events: list[c.SessionEvent] = [
        c.SessionStarted(
            **_common(0),
            direction="inbound",
            modality="voice",
            service_id="support",
            service_name="Support",
            caller=c.Party(address="+15550001111", address_kind="pstn"),
        ),
        c.SessionQueued(
            **_common(0),
            service_session_id=f"{SESSION}:1",
            service_id="support",
            service_name="Support",
        ),
        c.TaskOffered(**_common(1), **who, service_id="support"),
    ]
    return [fact for event in events if (fact := to_fact(event)) is not None]


def ended_fact() -> Fact:
    fact = to_fact(c.SessionEnded(**_common(60), ended_by="caller"))
    assert fact is not None
    return fact


def session(facts: list[Fact], forget_callers: bool = False) -> SessionTasks:
    return SessionTasks(KEY, fold(facts), max(f.at for f in facts), forget_callers)


async def every_fact(store: Store) -> dict[str, Fact]:
    return {fact.event_id: fact for fact in (await store.append_facts({KEY: []}))[KEY]}


async def test_a_fact_is_kept_as_first_stored(store: Store) -> None:
    facts = offered_call()
    await store.append_facts({KEY: facts})

    again = [replace(facts[0], service_name="Another"), *facts[1:]]
    returned = await store.append_facts({KEY: again})

    assert sorted(returned[KEY], key=lambda f: f.event_id) == sorted(
        facts, key=lambda f: f.event_id
    )


async def test_a_task_is_written_once_per_change_and_never_moves_back(store: Store) -> None:
    facts = offered_call()
    [task] = fold(facts)
    newer = replace(task, rev=task.rev + 1, priority=task.priority + 1)

    first = await store.write([SessionTasks(KEY, [task], task.updated_at)], NOW)
    same = await store.write([SessionTasks(KEY, [task], task.updated_at)], NOW)
    await store.write([SessionTasks(KEY, [newer], task.updated_at)], NOW)
    stale = await store.write([SessionTasks(KEY, [task], task.updated_at)], NOW)

    assert (first.changed, first.stored) == (1, [task])
    assert (same.changed, same.stored) == (0, [task])
    assert (stale.changed, stale.stored) == (0, [])
    assert await store.read_task(TENANT, AGENT, US) == newer


async def test_an_ended_task_older_than_the_history_window_is_dropped(store: Store) -> None:
    [task] = fold([*offered_call(), ended_fact()])
    assert task.state == "ended"

    written = await store.write([SessionTasks(KEY, [task], task.updated_at)], NOW + WINDOW)

    assert (written.changed, written.stored) == (0, [])
    assert await store.read_task(TENANT, AGENT, US) is None


async def test_a_session_that_is_over_keeps_its_facts_without_the_caller(store: Store) -> None:
    facts = [*offered_call(), ended_fact()]
    await store.append_facts({KEY: facts})

    await store.write([session(facts, forget_callers=True)], NOW)

    kept = await every_fact(store)
    assert set(kept) == {fact.event_id for fact in facts}
    assert all(fact.party_address is None for fact in kept.values())
    [task] = fold(list(kept.values()))
    assert task == fold(facts)[0], "a later fold gives the same task"


async def test_a_live_sessions_activity_moves_forward_only(store: Store) -> None:
    facts = offered_call()
    last = max(f.at for f in facts)

    await store.write([session(facts)], NOW)
    await store.touch({KEY: last + timedelta(minutes=1)})
    await store.touch({KEY: last - timedelta(minutes=1)})
    await store.touch({SessionKey(TENANT, "never-written"): last})

    everyone = await store.idle_sessions("voice", NOW + timedelta(days=1), 100)
    assert [(e.session, e.active_at) for e in everyone] == [(KEY, last + timedelta(minutes=1))]
    assert await store.idle_sessions("media", NOW + timedelta(days=1), 100) == []


async def test_a_session_without_a_live_task_leaves_the_idle_index(store: Store) -> None:
    facts = offered_call()
    await store.write([session(facts)], NOW)

    await store.write([session([*facts, ended_fact()])], NOW)

    assert await store.idle_sessions("voice", NOW + timedelta(days=1), 100) == []


async def test_an_idle_entry_is_forgotten_only_if_no_activity_moved_it(store: Store) -> None:
    facts = offered_call()
    await store.write([session(facts)], NOW)
    [read] = await store.idle_sessions("voice", NOW, 100)
    await store.touch({KEY: read.active_at + timedelta(seconds=1)})

    assert await store.forget_idle("voice", [read]) == 0
    [moved] = await store.idle_sessions("voice", NOW, 100)
    assert await store.forget_idle("voice", [moved]) == 1
    assert await store.idle_sessions("voice", NOW, 100) == []


async def test_a_session_never_stored_has_no_facts(store: Store) -> None:
    facts = offered_call()
    await store.append_facts({KEY: facts})
    other = SessionKey(TENANT, "other")

    found = await store.facts_of([KEY, other])

    assert (len(found[KEY]), found[other]) == (len(facts), [])
