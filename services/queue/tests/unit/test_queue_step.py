"""The queue step's rules, seen through its ports (an in-memory store, the real changelog
adapter over the kit's recording publisher): events become the agent's task changes, a
repeat has no second effect, bad input is rejected naming fields only, outages propagate."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c
import pytest
import redis.exceptions
from aiokafka import ConsumerRecord
from mysessions_platform.testing.fakes import ManualClock, RecordingPublisher
from mysessions_platform.testing.records import consumer_record
from queue_service.adapters.changelog import TaskChangelog
from queue_service.adapters.store_types import SessionKey
from queue_service.step import QueueStep
from step_fakes.queue import InMemorySessionStore

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
EVENTS, ACW, CHANGELOG = "sessions", "acw", "changelog"
TENANT, SESSION, AGENT = "tenant-a", "s-1", "agent-1"
TASK_KEY = (TENANT, AGENT, f"{SESSION}:{AGENT}:1")
KEY = SessionKey(TENANT, SESSION)
CALLER = "+15550001111"


def _event(seconds: int) -> dict[str, Any]:
    return {
        "event_id": uuid4(),
        "occurred_at": T0 + timedelta(seconds=seconds),
        "tenant_id": TENANT,
        "session_id": SESSION,
    }


WHO: dict[str, Any] = {
    "service_session_id": f"{SESSION}:1",
    "user_session_id": f"{SESSION}:{AGENT}:1",
    "user_id": AGENT,
}


def started() -> c.SessionStarted:
    return c.SessionStarted(
        **_event(0),
        direction="inbound",
        modality="voice",
        service_id="support",
        service_name="Support",
        caller=c.Party(address=CALLER, address_kind="pstn", display_name="Jane"),
    )


def queued() -> c.SessionQueued:
    return c.SessionQueued(
        **_event(0),
        service_session_id=f"{SESSION}:1",
        service_id="support",
        service_name="Support",
    )


def offered() -> c.TaskOffered:
    return c.TaskOffered(**_event(1), **WHO, service_id="support")


def accepted() -> c.TaskAccepted:
    return c.TaskAccepted(**_event(5), **WHO)


def ended() -> c.SessionEnded:
    return c.SessionEnded(**_event(65), ended_by="caller")


def saved() -> c.AfterCallWorkSubmitted:
    return c.AfterCallWorkSubmitted(
        **{**_event(90), "occurred_at": T0 + timedelta(seconds=90)},
        user_session_id=WHO["user_session_id"],
        user_id=AGENT,
        service_id="support",
        service_session_id=WHO["service_session_id"],
        primary_code=c.CodeRef(id="sale", label="Sale"),
        concluded_by="user",
        saved_by=AGENT,
    )


def records(
    *messages: c.SessionEvent | c.AfterCallWorkSubmitted,
) -> list[ConsumerRecord[bytes, bytes]]:
    return [
        consumer_record(
            c.encode(m), offset=n, topic=ACW if isinstance(m, c.AfterCallWorkSubmitted) else EVENTS
        )
        for n, m in enumerate(messages)
    ]


class AllOn:
    async def enabled(self, tenant_id: str, service_id: str) -> bool:
        return True


class Queue:
    def __init__(self) -> None:
        self.store = InMemorySessionStore()
        self.out = RecordingPublisher()
        self.clock = ManualClock(T0 + timedelta(minutes=2))
        self.step = QueueStep(
            self.store,
            clock=self.clock,
            changelog=TaskChangelog(self.out, CHANGELOG),
            codes_and_tags=AllOn(),
            acw_topic=ACW,
        )

    def recorded(self) -> list[c.QueueTask]:
        return [c.QueueTask.model_validate_json(value) for value in self.out.values(CHANGELOG)]


async def test_an_offer_becomes_an_incoming_task_of_the_agent_recorded_on_the_changelog() -> None:
    queue = Queue()

    assert await queue.step(records(started(), queued(), offered())) == []

    task = queue.store.tasks[TASK_KEY]
    assert (task.state, task.outcome, task.caller_address) == ("incoming", None, CALLER)
    assert queue.store.published == [task]
    [record] = queue.recorded()
    assert (record.user_session_id, record.state) == (task.user_session_id, "incoming")
    assert queue.store.idle[KEY] == ("voice", T0 + timedelta(seconds=1))
    assert queue.step.counts.tasks_written == 1


async def test_an_answered_call_ends_accepted_open_for_after_call_work_and_forgets_the_caller() -> (
    None
):
    queue = Queue()

    await queue.step(records(started(), queued(), offered()))
    await queue.step(records(accepted()))
    await queue.step(records(ended()))

    task = queue.store.tasks[TASK_KEY]
    assert (task.state, task.outcome, task.open) == ("ended", "accepted", True)
    assert task.caller_address is None
    assert KEY not in queue.store.idle, "no live task: nothing for the watchdog"
    facts = queue.store.facts[KEY].values()
    assert all(fact.party_address is None for fact in facts), "the session is over"
    assert [t.state for t in queue.store.published] == ["incoming", "connected", "ended"]


async def test_saved_after_call_work_closes_the_task() -> None:
    queue = Queue()
    await queue.step(records(started(), queued(), offered(), accepted(), ended()))

    assert await queue.step(records(saved())) == []

    assert queue.store.tasks[TASK_KEY].open is False


async def test_events_in_any_order_give_the_same_task() -> None:
    in_order, shuffled = Queue(), Queue()
    stream: list[c.SessionEvent] = [started(), queued(), offered(), accepted(), ended()]

    await in_order.step(records(*stream))
    for event in reversed(stream):
        await shuffled.step(records(event))

    assert shuffled.store.tasks == in_order.store.tasks


async def test_a_redelivered_batch_changes_nothing_but_is_recorded_again() -> None:
    queue = Queue()
    batch = records(started(), queued(), offered(), accepted())
    await queue.step(batch)
    before = (dict(queue.store.tasks), list(queue.store.published))

    await queue.step(batch)

    assert (queue.store.tasks, queue.store.published) == before
    assert queue.step.counts.tasks_written == 1
    # The changelog holds every stored task after every batch: a crash between the Redis
    # write and the record is repaired by the redelivery.
    assert len(queue.recorded()) == 2


async def test_an_event_that_is_no_fact_keeps_the_session_awake_and_writes_nothing() -> None:
    queue = Queue()
    await queue.step(records(started(), queued(), offered()))
    later = T0 + timedelta(minutes=30)
    parameters = c.CustomParametersUpdated(
        **{**_event(0), "occurred_at": later},
        service_session_id=f"{SESSION}:1",
        parameters={"Ticket": "T-1"},
    )

    await queue.step(records(parameters))

    assert queue.store.idle[KEY] == ("voice", later)
    assert len(queue.store.published) == 1
    assert len(queue.recorded()) == 1


@pytest.mark.parametrize("topic", [EVENTS, ACW])
async def test_an_invalid_record_is_rejected_naming_fields_and_the_rest_applied(
    topic: str,
) -> None:
    queue = Queue()
    bad = json.loads(c.encode(saved() if topic == ACW else offered()))
    bad["user_id"] = {"phone": CALLER}
    batch = records(started(), queued(), offered())
    batch.insert(1, consumer_record(json.dumps(bad).encode(), topic=topic, offset=99))

    [rejection] = await queue.step(batch)

    assert (rejection.kind, rejection.record.offset) == ("invalid", 99)
    assert "user_id" in rejection.reason
    assert CALLER not in rejection.reason
    assert rejection.first_failure_at == queue.clock()
    assert TASK_KEY in queue.store.tasks


async def test_an_outage_of_the_store_propagates_and_records_nothing() -> None:
    queue = Queue()
    queue.store.outage.begin()

    with pytest.raises(redis.exceptions.ConnectionError):
        await queue.step(records(started(), queued(), offered()))

    assert queue.out.published == {}


async def test_an_unrecorded_change_is_recorded_by_the_redelivery() -> None:
    queue = Queue()
    batch = records(started(), queued(), offered())
    queue.out.outage.begin()

    with pytest.raises(redis.exceptions.ConnectionError):
        await queue.step(batch)

    queue.out.outage.end()
    await queue.step(batch)
    assert [r.state for r in queue.recorded()] == ["incoming"]
