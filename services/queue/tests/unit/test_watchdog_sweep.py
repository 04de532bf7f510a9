"""The watchdog's sweep, seen through its ports (the in-memory store filled by the real
queue step, the kit's publisher and clock): a silent session gets one deterministic
``session.expired``, activity postpones it, expired facts leave the index, outages
propagate and are written again by the next sweep."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import contracts as c
import pytest
import redis.exceptions
from mysessions_platform.testing.fakes import ManualClock, RecordingPublisher
from mysessions_platform.testing.records import consumer_record
from queue_service.adapters.store_types import SessionKey
from queue_service.domain import expiry_event_id
from queue_service.step import QueueStep
from queue_service.watchdog import Watchdog
from step_fakes.queue import InMemorySessionStore

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
EVENTS = "sessions"
TENANT, AGENT = "tenant-a", "agent-1"
IDLE_AFTER, IDLE_AFTER_MEDIA = timedelta(hours=4), timedelta(hours=24)


def offered(session: str, modality: str = "voice") -> list[c.SessionEvent]:
    """Started, queued and offered at T0 + 1 s; then nothing."""

    def common(seconds: int) -> dict[str, Any]:
        at = T0 + timedelta(seconds=seconds)
        return {"event_id": uuid4(), "occurred_at": at, "tenant_id": TENANT, "session_id": session}

    ss = f"{session}:1"
    return [
        c.SessionStarted(
            **common(0),
            direction="inbound",
            modality=modality,  # type: ignore[arg-type]
            service_id="support",
            service_name="Support",
            caller=c.Party(address="+15550001111", address_kind="pstn"),
        ),
        c.SessionQueued(
            **common(0), service_session_id=ss, service_id="support", service_name="Support"
        ),
        c.TaskOffered(
            **common(1),
            service_session_id=ss,
            user_session_id=f"{ss}:{AGENT}",
            user_id=AGENT,
            service_id="support",
        ),
    ]


LAST = T0 + timedelta(seconds=1)


class Sweep:
    def __init__(self) -> None:
        self.store = InMemorySessionStore()
        self.out = RecordingPublisher()
        self.clock = ManualClock(T0)
        self.step = QueueStep(self.store, clock=self.clock)
        self.watchdog = self.new_watchdog()

    def new_watchdog(self) -> Watchdog:
        return Watchdog(
            self.store,
            self.out,
            EVENTS,
            IDLE_AFTER,
            self.clock,
            idle_after_media=IDLE_AFTER_MEDIA,
        )

    async def fold(self, events: list[c.SessionEvent]) -> None:
        batch = [consumer_record(c.encode(e), offset=n, topic=EVENTS) for n, e in enumerate(events)]
        assert await self.step(batch) == []

    def written(self) -> list[c.SessionExpired]:
        expired = [c.decode_session_event(value) for value in self.out.values(EVENTS)]
        assert all(isinstance(event, c.SessionExpired) for event in expired)
        return expired  # type: ignore[return-value]


async def test_a_session_silent_for_the_limit_gets_one_deterministic_expiry() -> None:
    sweep = Sweep()
    events = offered("s-1")
    await sweep.fold(events)
    sweep.clock.now = LAST + IDLE_AFTER

    assert await sweep.watchdog.sweep() == 1

    [expired] = sweep.written()
    assert expired.event_id == UUID(expiry_event_id(TENANT, "s-1", str(events[-1].event_id)))
    assert (expired.idle_since, expired.occurred_at) == (LAST, LAST + IDLE_AFTER)
    assert sweep.out.keys(EVENTS) == [b"s-1"]


async def test_a_session_quiet_for_less_than_the_limit_is_left_alone() -> None:
    sweep = Sweep()
    await sweep.fold(offered("s-1"))
    sweep.clock.now = LAST + IDLE_AFTER - timedelta(milliseconds=1)

    assert await sweep.watchdog.sweep() == 0
    assert sweep.written() == []


async def test_a_second_sweep_writes_no_second_expiry_and_another_worker_the_same_one() -> None:
    sweep = Sweep()
    await sweep.fold(offered("s-1"))
    sweep.clock.now = LAST + IDLE_AFTER
    await sweep.watchdog.sweep()

    assert await sweep.watchdog.sweep() == 0, "the queue has not folded it yet"
    await sweep.new_watchdog().sweep()

    first, again = sweep.written()
    assert first == again, "the same event: the fact log keeps it once"


async def test_activity_that_is_no_fact_postpones_the_expiry() -> None:
    sweep = Sweep()
    await sweep.fold(offered("s-1"))
    caption_at = LAST + timedelta(hours=1)
    parameters = c.CustomParametersUpdated(
        event_id=uuid4(),
        occurred_at=caption_at,
        tenant_id=TENANT,
        session_id="s-1",
        service_session_id="s-1:1",
        parameters={"Ticket": "T-1"},
    )
    await sweep.fold([parameters])
    sweep.clock.now = LAST + IDLE_AFTER

    assert await sweep.watchdog.sweep() == 0

    sweep.clock.now = caption_at + IDLE_AFTER
    assert await sweep.watchdog.sweep() == 1
    assert [e.idle_since for e in sweep.written()] == [caption_at]


async def test_an_email_or_chat_session_gets_the_longer_limit() -> None:
    sweep = Sweep()
    await sweep.fold(offered("chat-1", modality="chat"))
    sweep.clock.now = LAST + IDLE_AFTER

    assert await sweep.watchdog.sweep() == 0

    sweep.clock.now = LAST + IDLE_AFTER_MEDIA
    assert await sweep.watchdog.sweep() == 1


async def test_the_folded_expiry_ends_the_task_and_takes_the_session_out() -> None:
    sweep = Sweep()
    await sweep.fold(offered("s-1"))
    sweep.clock.now = LAST + IDLE_AFTER
    await sweep.watchdog.sweep()

    await sweep.fold(list(sweep.written()))

    [task] = sweep.store.tasks.values()
    assert (task.state, task.inferred) == ("ended", True)
    assert sweep.store.idle == {}
    sweep.clock.advance(IDLE_AFTER)
    assert await sweep.new_watchdog().sweep() == 0


async def test_an_entry_whose_facts_expired_is_forgotten_without_an_expiry() -> None:
    sweep = Sweep()
    await sweep.fold(offered("s-1"))
    sweep.store.expire(SessionKey(TENANT, "s-1"))
    sweep.clock.now = LAST + IDLE_AFTER

    assert await sweep.watchdog.sweep() == 0

    assert sweep.store.idle == {}
    assert sweep.watchdog.counts.forgotten == 1
    assert sweep.written() == []


async def test_an_expiry_kafka_did_not_confirm_is_written_by_the_next_sweep() -> None:
    sweep = Sweep()
    await sweep.fold(offered("s-1"))
    sweep.clock.now = LAST + IDLE_AFTER
    sweep.out.outage.begin()

    with pytest.raises(redis.exceptions.ConnectionError):
        await sweep.watchdog.sweep()

    sweep.out.outage.end()
    assert await sweep.watchdog.sweep() == 1


async def test_a_store_outage_propagates() -> None:
    sweep = Sweep()
    await sweep.fold(offered("s-1"))
    sweep.clock.now = LAST + IDLE_AFTER
    sweep.store.outage.begin()

    with pytest.raises(redis.exceptions.ConnectionError):
        await sweep.watchdog.sweep()
    assert sweep.written() == []
