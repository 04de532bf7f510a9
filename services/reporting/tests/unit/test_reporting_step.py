"""The reporting step's rules, seen through its port (in-memory pending facts): what each
topic's message becomes, what a repeat does, what is skipped or rejected, what an outage
does."""

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import contracts as c
import pytest
import redis.exceptions
from aiokafka import ConsumerRecord
from mysessions_platform.testing.fakes import ManualClock
from mysessions_platform.testing.records import consumer_record
from reporting_service.domain import Code
from reporting_service.step import ReportingStep
from step_fakes.reporting import InMemoryPendingFacts, Tracked

pytestmark = pytest.mark.unit

CHANGELOG, EVENTS, ACW = "changelog", "events", "acw"
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SETTLE = timedelta(seconds=10)
SESSION = ("tenant-a", "s-1")


def task(rev: int = 5, state: str = "ended") -> c.QueueTask:
    return c.QueueTask(
        tenant_id="tenant-a",
        session_id="s-1",
        service_session_id="s-1:1",
        user_session_id="s-1:agent-1:1",
        user_id="agent-1",
        service_id="support",
        service_name="Support",
        priority=0,
        modality="voice",
        direction="inbound",
        state=state,  # type: ignore[arg-type]
        outcome="accepted" if state == "ended" else None,
        end_reason="normal" if state == "ended" else None,
        inferred=False,
        open=True,
        caller_display_name=None,
        caller_address=None,
        caller_kind=None,
        started_at=T0,
        queued_at=T0,
        offered_at=T0,
        ring_ended_at=T0,
        accepted_at=T0,
        ended_at=T0 + timedelta(minutes=1) if state == "ended" else None,
        dialing_at=None,
        ringing_at=None,
        answered_at=None,
        updated_at=T0 + timedelta(minutes=1),
        subject=None,
        snippet=None,
        chat_url=None,
        rev=rev,
    )


def ended() -> c.SessionEnded:
    return c.SessionEnded(
        event_id=uuid4(),
        occurred_at=T0 + timedelta(minutes=1),
        tenant_id="tenant-a",
        session_id="s-1",
        ended_by="caller",
    )


def saved(code: str = "sale") -> c.AfterCallWorkSubmitted:
    return c.AfterCallWorkSubmitted(
        event_id=uuid4(),
        occurred_at=T0 + timedelta(minutes=2),
        tenant_id="tenant-a",
        session_id="s-1",
        user_session_id="s-1:agent-1:1",
        user_id="agent-1",
        service_id="support",
        service_session_id="s-1:1",
        primary_code=c.CodeRef(id=code, label=code.title()),
        tags=("vip",),
        concluded_by="user",
        saved_by="agent-1",
    )


def record(topic: str, value: bytes | None, offset: int = 0) -> ConsumerRecord[bytes, bytes]:
    built = consumer_record(value or b"", topic=topic, offset=offset)
    if value is None:  # a tombstone
        built = ConsumerRecord(topic, 0, offset, 0, 0, b"k", None, None, 1, 0, [])
    return built


class Reporting:
    def __init__(self) -> None:
        self.facts = InMemoryPendingFacts()
        self.clock = ManualClock(T0)
        self.step = ReportingStep(self.facts, CHANGELOG, EVENTS, ACW, SETTLE, clock=self.clock)


async def test_each_topics_message_becomes_a_fact_of_its_session() -> None:
    reporting = Reporting()

    rejected = await reporting.step(
        [
            record(CHANGELOG, c.encode(task())),
            record(EVENTS, c.encode(ended()), 1),
            record(ACW, c.encode(saved()), 2),
        ]
    )

    assert rejected == []
    facts = (await reporting.facts.facts_of(*SESSION))[0]
    assert [t.rev for t in facts.tasks.values()] == [5]
    assert [e.kind for e in facts.events.values()] == ["session.ended"]
    assert [w.primary for w in facts.work.values()] == [Code("sale", "Sale")]
    assert reporting.step.counts.facts == 3


async def test_a_session_heard_of_is_judged_again_after_the_settle_time() -> None:
    reporting = Reporting()
    await reporting.step([record(EVENTS, c.encode(ended()))])
    reporting.clock.advance(timedelta(seconds=4))

    await reporting.step([record(CHANGELOG, c.encode(task()))])

    later = T0 + timedelta(seconds=4)
    assert reporting.facts.trackers == {SESSION: Tracked(later, later + SETTLE)}


async def test_a_redelivered_batch_adds_no_second_fact() -> None:
    reporting = Reporting()
    batch = [record(EVENTS, c.encode(ended())), record(ACW, c.encode(saved()), 1)]
    await reporting.step(batch)
    before = (await reporting.facts.facts_of(*SESSION))[0]

    await reporting.step(batch)

    assert (await reporting.facts.facts_of(*SESSION))[0] == before
    assert len(reporting.facts.stored) == 2


async def test_an_older_revision_of_a_task_never_hides_a_newer_one() -> None:
    reporting = Reporting()

    await reporting.step([record(CHANGELOG, c.encode(task(rev=7)))])
    await reporting.step([record(CHANGELOG, c.encode(task(rev=3, state="connected")))])

    [kept] = ((await reporting.facts.facts_of(*SESSION))[0]).tasks.values()
    assert (kept.rev, kept.state) == (7, "ended")


async def test_the_first_saved_work_of_a_task_is_the_one_kept() -> None:
    reporting = Reporting()

    await reporting.step([record(ACW, c.encode(saved("sale")))])
    await reporting.step([record(ACW, c.encode(saved("other")))])

    [kept] = ((await reporting.facts.facts_of(*SESSION))[0]).work.values()
    assert kept.primary == Code("sale", "Sale")


async def test_tombstones_and_events_no_task_counts_are_skipped_untouched() -> None:
    reporting = Reporting()
    caption = c.TranscriptSegment(
        event_id=uuid4(),
        occurred_at=T0,
        tenant_id="tenant-a",
        session_id="s-1",
        service_session_id="s-1:1",
        segment_id="seg-1",
        speaker="caller",
        start_ms=0,
        end_ms=1000,
        final=True,
        text="my number is +15550001111",
    )

    rejected = await reporting.step([record(CHANGELOG, None), record(EVENTS, c.encode(caption), 1)])

    assert rejected == []
    assert reporting.facts.stored == {}
    assert reporting.facts.trackers == {}, "nothing to judge: no session's settle restarts"


@pytest.mark.parametrize("topic", [CHANGELOG, EVENTS, ACW])
async def test_an_invalid_message_is_rejected_naming_fields_not_values(topic: str) -> None:
    reporting = Reporting()
    bad = json.loads(c.encode(saved() if topic == ACW else ended()))
    bad["session_id"] = {"caller": "+15550001111"}
    if topic == CHANGELOG:
        bad = {**json.loads(c.encode(task())), "session_id": bad["session_id"]}

    [rejection] = await reporting.step(
        [record(topic, json.dumps(bad).encode()), record(EVENTS, c.encode(ended()), 1)]
    )

    assert (rejection.kind, rejection.record.offset) == ("invalid", 0)
    assert "session_id" in rejection.reason
    assert "+15550001111" not in rejection.reason
    assert len(reporting.facts.stored) == 1, "the rest of the batch is kept"


async def test_an_outage_propagates_and_nothing_is_counted() -> None:
    reporting = Reporting()
    reporting.facts.outage.begin(redis.exceptions.ConnectionError("away"))

    with pytest.raises(redis.exceptions.ConnectionError):
        await reporting.step([record(EVENTS, c.encode(ended()))])

    assert reporting.step.counts.facts == 0
