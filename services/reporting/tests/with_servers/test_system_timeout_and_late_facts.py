"""A task left open past its window is concluded by the system; facts after the records
were written change nothing and are counted as late. Real MongoDB, a clock the test moves."""

from datetime import timedelta

import pytest
from contracts import SessionRecord
from mysessions_platform.mongo import Document
from mysessions_platform.testing.fakes import RecordingPublisher
from pymongo.asynchronous.database import AsyncDatabase

from .harness import (
    ACW,
    CHANGELOG,
    EVENTS,
    T0,
    TARGET,
    accepted_task,
    answered_call,
    make_harness,
    saved_work,
)

pytestmark = pytest.mark.integration


async def test_open_past_the_window_is_concluded_by_the_system(
    reporting_db: AsyncDatabase[Document],
) -> None:
    harness = await make_harness(reporting_db, now=T0 + timedelta(minutes=2))
    events = answered_call("acme", "s-1")
    await harness.feed(*[(EVENTS, e) for e in events], (CHANGELOG, accepted_task("acme", "s-1")))

    assert await harness.finalizer.sweep() == 0  # settling
    harness.clock.advance(timedelta(seconds=11))
    assert await harness.finalizer.sweep() == 0  # after-call work is due for 24 h
    harness.clock.now = T0 + timedelta(seconds=65) + timedelta(hours=24)
    assert await harness.finalizer.sweep() == 1

    records = {r.record_type: r for r in await harness.records.of_session("acme", "s-1")}
    assert set(records) == {"user_session", "service_session"}
    user = records["user_session"]
    assert (user.primary_code_id, user.primary_code_label) == ("system-timeout", "System timeout")
    assert (user.concluded_by, user.acw_saved_by) == ("system", "system")
    assert user.acw_s == 24 * 3600
    assert (user.talk_s, user.queue_s, user.ring_s) == (60, 5, 4)
    assert records["service_session"].primary_code_id == "system-timeout"
    assert harness.finalizer.counts.concluded_by_system == 1

    publisher = harness.finalizer.publisher
    assert isinstance(publisher, RecordingPublisher)
    published = {SessionRecord.model_validate_json(value) for value in publisher.values(TARGET)}
    assert published == set(records.values())
    assert await harness.records.unpublished(10) == []

    # Late: the agent saves after the conclusion, and the queue changes the task. Twice.
    harness.clock.advance(timedelta(minutes=1))
    late = [
        (ACW, saved_work("acme", "s-1", harness.clock.now)),
        (CHANGELOG, accepted_task("acme", "s-1", rev=6)),
    ]
    await harness.feed(*late)
    await harness.feed(*late)
    # A redelivered fact the records were built from is not late.
    await harness.feed((EVENTS, events[0]), (CHANGELOG, accepted_task("acme", "s-1")))
    harness.clock.advance(timedelta(minutes=1))
    assert await harness.finalizer.sweep() == 0

    after = {r.record_type: r for r in await harness.records.of_session("acme", "s-1")}
    assert after == records
    assert len(await harness.records.late_facts("acme", "s-1")) == 2  # each stored once
    assert harness.finalizer.counts.late == 2
    assert len(publisher.values(TARGET)) == 2

    # Late facts and the marker are kept for the late window (7 days), then purged: the
    # facts arrived a minute before this sweep, the marker was written a minute earlier.
    harness.clock.advance(timedelta(days=7, minutes=-2))
    assert await harness.finalizer.sweep() == 0
    assert len(await harness.records.late_facts("acme", "s-1")) == 2
    assert harness.finalizer.counts.purged == 0
    harness.clock.advance(timedelta(minutes=2))
    assert await harness.finalizer.sweep() == 0
    assert await harness.records.late_facts("acme", "s-1") == []
    assert (harness.finalizer.counts.purged, harness.finalizer.counts.purged_late) == (1, 2)


async def test_saved_work_is_what_the_record_carries(reporting_db: AsyncDatabase[Document]) -> None:
    harness = await make_harness(reporting_db, now=T0 + timedelta(minutes=2))
    await harness.feed(
        *[(EVENTS, e) for e in answered_call("acme", "s-2")],
        (CHANGELOG, accepted_task("acme", "s-2")),
        (ACW, saved_work("acme", "s-2", T0 + timedelta(seconds=95))),
    )
    harness.clock.advance(timedelta(seconds=11))
    assert await harness.finalizer.sweep() == 1
    [user] = [r for r in await harness.records.of_session("acme", "s-2") if r.user_session_id]
    assert (user.primary_code_id, user.concluded_by, user.tags, user.acw_s) == (
        "sale",
        "user",
        ("vip",),
        30,
    )
    assert user.handle_s == 90


async def test_a_record_written_again_keeps_its_first_version(
    reporting_db: AsyncDatabase[Document],
) -> None:
    harness = await make_harness(reporting_db, now=T0 + timedelta(minutes=2))
    facts = [
        *[(EVENTS, e) for e in answered_call("acme", "s-3")],
        (CHANGELOG, accepted_task("acme", "s-3")),
        (ACW, saved_work("acme", "s-3", T0 + timedelta(seconds=95))),
    ]
    await harness.feed(*facts)
    harness.clock.advance(timedelta(seconds=11))
    assert await harness.finalizer.sweep() == 1
    first = await harness.records.of_session("acme", "s-3")

    # As if the worker died after inserting the records, before marking the session written:
    # its facts and tracker still there (fed again), its marker not yet stored.
    await reporting_db["reporting_written"].delete_many({})
    changed = accepted_task("acme", "s-3", rev=6).model_copy(update={"end_reason": "other"})
    await harness.feed(*facts, (CHANGELOG, changed))
    harness.clock.advance(timedelta(seconds=11))
    assert await harness.finalizer.sweep() == 1
    assert await harness.records.of_session("acme", "s-3") == first
