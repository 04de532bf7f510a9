"""The reporting sweep's rules, seen through its ports (in-memory facts and records, fed by
the real reporting step; the kit's clock and publisher): a final session is written once
and published once, a settling or open one waits, the system concludes what the window
closed on, a fact after the records is late and changes nothing, outages propagate."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c
import pytest
import redis.exceptions
from mysessions_platform.testing.fakes import ManualClock, RecordingPublisher
from mysessions_platform.testing.records import consumer_record
from reporting_service.domain import FinalityRule, Task, Work, system_conclusion
from reporting_service.finalizer import Finalizer
from reporting_service.step import ReportingStep
from step_fakes.reporting import InMemoryPendingFacts, InMemoryRecords

pytestmark = pytest.mark.unit

CHANGELOG, EVENTS, ACW, TARGET = "changelog", "events", "acw", "records"
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SETTLE, WINDOW = timedelta(seconds=10), timedelta(minutes=5)
TENANT, SESSION, AGENT = "tenant-a", "s-1", "agent-1"
US = f"{SESSION}:{AGENT}:1"

Message = tuple[str, c.SessionEvent | c.QueueTask | c.AfterCallWorkSubmitted]
"""A message and its topic."""


def _common(seconds: int) -> dict[str, Any]:
    return {
        "event_id": uuid4(),
        "occurred_at": T0 + timedelta(seconds=seconds),
        "tenant_id": TENANT,
        "session_id": SESSION,
    }


def answered_call() -> list[c.SessionEvent]:
    """Queued at +0, offered at +1, accepted at +5, ended by the caller at +65."""
    who: dict[str, Any] = {"service_session_id": f"{SESSION}:1", "user_session_id": US}
    return [
        c.SessionStarted(
            **_common(0),
            direction="inbound",
            modality="voice",
            service_id="support",
            service_name="Support",
            caller=c.Party(address="+15550001111", address_kind="pstn"),
        ),
        c.SessionQueued(
            **_common(0), service_session_id=f"{SESSION}:1", service_id="support", service_name="S"
        ),
        c.TaskOffered(**_common(1), **who, user_id=AGENT, service_id="support"),
        c.TaskAccepted(**_common(5), **who, user_id=AGENT),
        c.SessionEnded(**_common(65), ended_by="caller"),
    ]


def ended_task(open_for_acw: bool = False, rev: int = 5) -> c.QueueTask:
    """The queue's task after the answered call's five events."""
    at = T0
    return c.QueueTask(
        tenant_id=TENANT,
        session_id=SESSION,
        service_session_id=f"{SESSION}:1",
        user_session_id=US,
        user_id=AGENT,
        service_id="support",
        service_name="Support",
        priority=0,
        modality="voice",
        direction="inbound",
        state="ended",
        outcome="accepted",
        end_reason="normal",
        inferred=False,
        open=open_for_acw,
        caller_display_name=None,
        caller_address=None,
        caller_kind=None,
        started_at=at + timedelta(seconds=1),
        queued_at=at,
        offered_at=at + timedelta(seconds=1),
        ring_ended_at=at + timedelta(seconds=5),
        accepted_at=at + timedelta(seconds=5),
        ended_at=at + timedelta(seconds=65),
        dialing_at=None,
        ringing_at=None,
        answered_at=None,
        updated_at=at + timedelta(seconds=65),
        subject=None,
        snippet=None,
        chat_url=None,
        rev=rev,
    )


def saved_work() -> c.AfterCallWorkSubmitted:
    return c.AfterCallWorkSubmitted(
        **_common(90),
        user_session_id=US,
        user_id=AGENT,
        service_id="support",
        service_session_id=f"{SESSION}:1",
        primary_code=c.CodeRef(id="sale", label="Sale"),
        concluded_by="user",
        saved_by=AGENT,
    )


class FiveMinuteWindows:
    async def get(self, tenant_id: str, service_id: str) -> c.ServiceSettings:
        settings = c.ServiceSettings.default(tenant_id, service_id)
        return settings.model_copy(update={"acw_window_s": int(WINDOW.total_seconds())})


class Reporting:
    def __init__(self) -> None:
        self.facts = InMemoryPendingFacts()
        self.records = InMemoryRecords()
        self.out = RecordingPublisher()
        self.clock = ManualClock(T0 + timedelta(seconds=70))
        self.step = ReportingStep(self.facts, CHANGELOG, EVENTS, ACW, SETTLE, clock=self.clock)
        self.finalizer = Finalizer(
            self.facts,
            self.records,
            FiveMinuteWindows(),
            self,
            self.out,
            TARGET,
            self.clock,
            FinalityRule(SETTLE),
        )

    async def conclude(
        self, tenant_id: str, session_id: str, task: Task, window_closed_at: datetime
    ) -> Work:
        """The system's conclusion, kept among reporting's facts (``LocalConclusion``)."""
        work = system_conclusion(task, window_closed_at)
        return await self.facts.add_work(tenant_id, session_id, work)

    async def feed(
        self, *messages: tuple[str, c.SessionEvent | c.QueueTask | c.AfterCallWorkSubmitted]
    ) -> None:
        batch = [
            consumer_record(c.encode(message), topic=topic, offset=n)
            for n, (topic, message) in enumerate(messages)
        ]
        assert await self.step(batch) == []

    async def call(self, task: c.QueueTask) -> list[Message]:
        """Feeds the answered call and its task; returns what was fed (to redeliver it)."""
        messages: list[Message] = [
            *((EVENTS, event) for event in answered_call()),
            (CHANGELOG, task),
        ]
        await self.feed(*messages)
        return messages

    def published(self) -> list[c.SessionRecord]:
        return [c.SessionRecord.model_validate_json(v) for v in self.out.values(TARGET)]


async def test_a_settled_final_session_is_written_and_published_once() -> None:
    reporting = Reporting()
    await reporting.call(ended_task())
    reporting.clock.advance(SETTLE)

    assert await reporting.finalizer.sweep() == 1
    assert (reporting.facts.stored, reporting.facts.trackers) == ({}, {}), "all forgotten"
    assert await reporting.finalizer.sweep() == 0

    published = reporting.published()
    assert sorted(r.record_type for r in published) == ["service_session", "user_session"]
    assert {r.outcome_id for r in published if r.record_type == "user_session"} == {"accepted"}
    assert sorted(r.record_id for r in published) == sorted(reporting.records.records)
    assert reporting.records.pending == set()


async def test_a_session_still_settling_waits() -> None:
    reporting = Reporting()
    await reporting.call(ended_task())
    reporting.clock.advance(SETTLE - timedelta(milliseconds=1))

    assert await reporting.finalizer.sweep() == 0
    assert reporting.published() == []


async def test_an_open_task_waits_for_its_window_then_the_system_concludes_it() -> None:
    reporting = Reporting()
    await reporting.call(ended_task(open_for_acw=True))
    reporting.clock.advance(SETTLE)

    assert await reporting.finalizer.sweep() == 0
    [(_, tracked)] = reporting.facts.trackers.items()
    closes = T0 + timedelta(seconds=65) + WINDOW
    assert tracked.due_at == closes

    reporting.clock.now = closes
    assert await reporting.finalizer.sweep() == 1
    assert reporting.finalizer.counts.concluded_by_system == 1
    user = [r for r in reporting.published() if r.record_type == "user_session"]
    assert [(r.concluded_by, r.primary_code_id) for r in user] == [("system", "system-timeout")]


async def test_saved_work_makes_an_open_task_final_before_its_window_closes() -> None:
    reporting = Reporting()
    await reporting.call(ended_task(open_for_acw=True))
    await reporting.feed((ACW, saved_work()))
    reporting.clock.advance(SETTLE)

    assert await reporting.finalizer.sweep() == 1

    user = [r for r in reporting.published() if r.record_type == "user_session"]
    assert [(r.concluded_by, r.primary_code_id) for r in user] == [("user", "sale")]
    assert reporting.finalizer.counts.concluded_by_system == 0


async def test_a_fact_after_the_records_is_late_and_changes_nothing() -> None:
    reporting = Reporting()
    await reporting.call(ended_task())
    reporting.clock.advance(SETTLE)
    await reporting.finalizer.sweep()
    written = dict(reporting.records.records)

    await reporting.feed((CHANGELOG, ended_task(rev=6)))
    reporting.clock.advance(SETTLE)
    await reporting.finalizer.sweep()

    assert reporting.finalizer.counts.late == 1
    assert len(reporting.records.late) == 1
    assert reporting.records.records == written
    assert len(reporting.published()) == 2, "nothing published again"


async def test_a_redelivered_fact_of_a_written_session_is_not_late() -> None:
    reporting = Reporting()
    messages = await reporting.call(ended_task())
    reporting.clock.advance(SETTLE)
    await reporting.finalizer.sweep()

    await reporting.feed(*messages)  # the whole session, redelivered
    reporting.clock.advance(SETTLE)
    await reporting.finalizer.sweep()

    assert reporting.finalizer.counts.late == 0
    assert reporting.records.late == {}
    assert len(reporting.published()) == 2


async def test_records_kafka_did_not_confirm_are_published_by_the_next_sweep() -> None:
    reporting = Reporting()
    await reporting.call(ended_task())
    reporting.clock.advance(SETTLE)
    reporting.out.outage.begin()

    with pytest.raises(redis.exceptions.ConnectionError):
        await reporting.finalizer.sweep()
    assert len(reporting.records.pending) == 2, "written, not yet published"

    reporting.out.outage.end()
    assert await reporting.finalizer.sweep() == 0
    assert len(reporting.published()) == 2
    assert reporting.records.pending == set()


async def test_an_outage_of_the_facts_propagates_and_writes_nothing() -> None:
    reporting = Reporting()
    await reporting.call(ended_task())
    reporting.clock.advance(SETTLE)
    reporting.facts.outage.begin()

    with pytest.raises(redis.exceptions.ConnectionError):
        await reporting.finalizer.sweep()

    assert reporting.records.records == {}
