"""Redrive on fakes: what is sent, in which order, and that nothing is sent twice."""

from datetime import UTC, datetime

import pytest
from mysessions.operations.dead_letters.redrive import (
    REDRIVEN_FROM_HEADER,
    RedriveOutcome,
    RedrivePlan,
    plan_redrive,
    record_key,
    redrive,
)
from mysessions.operations.dead_letters.stored import StoredLetter

from .fakes import MemoryKafka, MemoryRecords
from .letters import stored

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


async def plan(
    letters: list[StoredLetter], records: MemoryRecords, kafka: MemoryKafka
) -> RedrivePlan:
    found = await records.find([record_key(s) for s in letters])
    topics = await kafka.existing_topics({s.letter.source_topic for s in letters if s.letter})
    return plan_redrive(letters, found, topics)


async def run(
    letters: list[StoredLetter], records: MemoryRecords, kafka: MemoryKafka, chunk: int = 100
) -> RedriveOutcome:
    planned = await plan(letters, records, kafka)
    return await redrive(planned, records, kafka, clock=clock, by="op@host", chunk=chunk)


async def test_a_letter_goes_back_to_its_source_topic_with_its_original_bytes_and_key() -> None:
    letter = stored(2, 7, original=b"\x00not json\xff", key=b"session-9")
    kafka, records = MemoryKafka(), MemoryRecords()
    outcome = await run([letter], records, kafka)
    [sent] = kafka.sent
    assert (sent.topic, sent.key, sent.value) == (
        "telephony.events.v1",
        b"session-9",
        b"\x00not json\xff",
    )
    assert dict(sent.headers) == {REDRIVEN_FROM_HEADER: b"deadletter.v1:2:7"}
    assert [s.id for s, _ in outcome.sent] == ["2:7"]
    assert records.docs[record_key(letter)].state == "sent"


async def test_a_second_run_sends_nothing_it_sent_before() -> None:
    letters = [stored(0, n) for n in range(3)]
    kafka, records = MemoryKafka(), MemoryRecords()
    first = await run(letters, records, kafka)
    second = await run(letters, records, kafka)
    assert len(first.sent) == 3
    assert second.sent == []
    assert second.plan.send == []
    assert [s.id for s, _ in second.plan.already] == ["0:0", "0:1", "0:2"]
    assert len(kafka.sent) == 3


async def test_each_letter_is_claimed_before_it_is_sent() -> None:
    kafka, records = MemoryKafka(), MemoryRecords()
    kafka.events = records.events  # one log of both, in the order they happened
    await run([stored(0, 0), stored(0, 1)], records, kafka, chunk=1)
    assert records.events == [
        "claim 0:0",
        "send deadletter.v1:0:0",
        "claim 0:1",
        "send deadletter.v1:0:1",
    ]


async def test_a_letter_another_run_claimed_meanwhile_is_not_sent() -> None:
    letter = stored(0, 0)
    kafka, records = MemoryKafka(), MemoryRecords()
    planned = await plan([letter], records, kafka)
    await run([letter], records, kafka)  # the other operator, between our plan and send
    outcome = await redrive(planned, records, kafka, clock=clock, by="me@host")
    assert [s.id for s in outcome.taken] == ["0:0"]
    assert outcome.sent == []
    assert len(kafka.sent) == 1


async def test_letters_go_in_their_source_order_whatever_the_dead_letter_order() -> None:
    letters = [
        stored(1, 0, source_offset=5),
        stored(0, 3, source_offset=2),
        stored(0, 4, source_offset=9),
    ]
    kafka, records = MemoryKafka(), MemoryRecords()
    await run(letters, records, kafka)
    assert [m.headers[0][1] for m in kafka.sent] == [
        b"deadletter.v1:0:3",
        b"deadletter.v1:1:0",
        b"deadletter.v1:0:4",
    ]


async def test_letters_that_cannot_be_sent_as_read_are_refused_with_the_reason() -> None:
    cut = stored(0, 0, original_truncated=True)
    cut_key = stored(0, 1, key_truncated=True)
    gone = stored(0, 2, source="deleted.topic")
    fine = stored(0, 3)
    planned = await plan([cut, cut_key, gone, fine], MemoryRecords(), MemoryKafka())
    assert [s.id for s in planned.send] == ["0:3"]
    reasons = {s.id: why for s, why in planned.refused}
    assert "bytes were kept" in reasons["0:0"]
    assert "key was cut" in reasons["0:1"]
    assert reasons["0:2"] == "topic deleted.topic does not exist"


async def test_an_unconfirmed_send_stays_claimed_and_the_rest_is_left_for_the_next_run() -> None:
    letters = [stored(0, n) for n in range(5)]
    kafka, records = MemoryKafka(), MemoryRecords()
    kafka.fail_from = 1
    outcome = await run(letters, records, kafka, chunk=2)
    assert [s.id for s, _ in outcome.sent] == ["0:0"]
    assert [s.id for s in outcome.unconfirmed] == ["0:1"]
    assert [s.id for s in outcome.not_tried] == ["0:2", "0:3", "0:4"]
    assert outcome.error is not None
    assert "TimeoutError" in outcome.error

    kafka.fail_from = None
    again = await run(letters, records, kafka)
    assert [s.id for s, _ in again.sent] == ["0:2", "0:3", "0:4"]  # never 0:1 again
    assert {s.id: r.state for s, r in again.plan.already} == {"0:0": "sent", "0:1": "claimed"}


async def test_a_record_that_fails_to_claim_sends_only_what_was_claimed() -> None:
    letters = [stored(0, n) for n in range(4)]
    kafka, records = MemoryKafka(), MemoryRecords()
    records.fail_claim_at = 2
    outcome = await run(letters, records, kafka)
    assert [s.id for s, _ in outcome.sent] == ["0:0", "0:1"]
    assert [s.id for s in outcome.not_tried] == ["0:2", "0:3"]
    assert outcome.error is not None
    assert "ConnectionError" in outcome.error


async def test_a_send_whose_confirmation_is_not_recorded_is_still_never_sent_again() -> None:
    letter = stored(0, 0)
    kafka, records = MemoryKafka(), MemoryRecords()
    records.fail_confirm = True
    outcome = await run([letter], records, kafka)
    assert outcome.error is not None
    assert len(outcome.sent) == 1
    records.fail_confirm = False
    again = await run([letter], records, kafka)
    assert again.sent == []
    assert len(kafka.sent) == 1
