"""The ingest step's rules, seen through its ports (in-memory fakes): what is republished,
what a repeat does, what is rejected and why, and what an outage does."""

import json
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import contracts as c
import pytest
import redis.exceptions
from aiokafka import ConsumerRecord
from ingest_service.keys import SeenKey
from ingest_service.step import IngestStep
from mysessions_platform.testing.fakes import InMemoryClaims, ManualClock, RecordingPublisher
from mysessions_platform.testing.records import consumer_record

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TARGET = "sessions.events.test"
CALLER = "+15550001111"


def started(session: str = "s-1", tenant: str = "tenant-a", event_id: UUID | None = None) -> bytes:
    return c.encode(
        c.SessionStarted(
            event_id=event_id or uuid4(),
            occurred_at=T0,
            tenant_id=tenant,
            session_id=session,
            direction="inbound",
            modality="voice",
            service_id="svc-1",
            service_name="Support",
            caller=c.Party(address=CALLER, address_kind="pstn"),
        )
    )


def ended(session: str = "s-1") -> bytes:
    return c.encode(
        c.SessionEnded(
            event_id=uuid4(),
            occurred_at=T0 + timedelta(minutes=1),
            tenant_id="tenant-a",
            session_id=session,
            ended_by="caller",
        )
    )


def records(*values: bytes) -> list[ConsumerRecord[bytes, bytes]]:
    return [consumer_record(value, offset=n) for n, value in enumerate(values)]


class Ingest:
    def __init__(self) -> None:
        self.seen: InMemoryClaims[SeenKey] = InMemoryClaims()
        self.out = RecordingPublisher()
        self.clock = ManualClock(T0)
        self.step = IngestStep(self.seen, self.out, TARGET, "ms", clock=self.clock)

    def republished(self) -> list[c.SessionEvent]:
        return [c.decode_session_event(value) for value in self.out.values(TARGET)]


async def test_a_valid_event_is_republished_normalized_and_keyed_by_its_session() -> None:
    ingest = Ingest()
    raw = started("s-7")

    assert await ingest.step(records(raw)) == []

    [(key, value)] = ingest.out.messages(TARGET)
    assert key == b"s-7"
    assert value == c.encode(c.decode_session_event(raw))
    assert set(ingest.seen.marks.values()) == {"done"}


async def test_an_event_republished_before_is_not_republished_again() -> None:
    ingest = Ingest()
    raw = started()
    await ingest.step(records(raw))

    assert await ingest.step(records(raw)) == []

    assert len(ingest.republished()) == 1


async def test_a_repeat_within_one_batch_is_republished_once() -> None:
    ingest = Ingest()
    raw = started()

    await ingest.step(records(raw, raw, raw))

    assert len(ingest.republished()) == 1


async def test_the_same_event_id_in_another_tenant_is_another_event() -> None:
    ingest = Ingest()
    event_id = uuid4()

    await ingest.step(records(started(tenant="tenant-a", event_id=event_id)))
    await ingest.step(records(started(tenant="tenant-b", event_id=event_id)))

    assert [event.tenant_id for event in ingest.republished()] == ["tenant-a", "tenant-b"]


async def test_a_sessions_events_keep_their_batch_order() -> None:
    ingest = Ingest()

    await ingest.step(records(started("s-1"), started("s-2"), ended("s-1"), ended("s-2")))

    assert [(e.session_id, e.type) for e in ingest.republished()] == [
        ("s-1", "session.started"),
        ("s-2", "session.started"),
        ("s-1", "session.ended"),
        ("s-2", "session.ended"),
    ]


async def test_an_invalid_record_is_rejected_with_a_reason_naming_fields_not_values() -> None:
    ingest = Ingest()
    event = json.loads(started())
    event["direction"] = CALLER  # a caller's number where a direction belongs
    del event["session_id"]
    bad = json.dumps(event).encode()

    [rejection] = await ingest.step(records(started("s-1"), bad, started("s-2")))

    assert rejection.kind == "invalid"
    assert rejection.record.offset == 1
    assert "direction" in rejection.reason
    assert "session_id" in rejection.reason
    assert CALLER not in rejection.reason
    assert rejection.first_failure_at == rejection.last_failure_at == T0
    assert [event.session_id for event in ingest.republished()] == ["s-1", "s-2"]


async def test_an_empty_or_unreadable_record_is_rejected_and_the_rest_goes_on() -> None:
    ingest = Ingest()

    rejected = await ingest.step(records(b"", b"\x00 not json", started()))

    assert [(r.record.offset, r.kind) for r in rejected] == [(0, "invalid"), (1, "invalid")]
    assert len(ingest.republished()) == 1


async def test_an_outage_of_the_seen_events_propagates_and_publishes_nothing() -> None:
    ingest = Ingest()
    ingest.seen.outage.begin()

    with pytest.raises(redis.exceptions.ConnectionError):
        await ingest.step(records(started()))

    assert ingest.out.published == {}


async def test_an_event_kafka_did_not_confirm_is_republished_by_the_retry() -> None:
    ingest = Ingest()
    raw = started()
    ingest.out.outage.begin()

    with pytest.raises(redis.exceptions.ConnectionError):
        await ingest.step(records(raw))
    assert set(ingest.seen.marks.values()) == {"pending"}, "claimed, never confirmed"

    ingest.out.outage.end()
    await ingest.step(records(raw))

    assert len(ingest.republished()) == 1
    assert set(ingest.seen.marks.values()) == {"done"}
