"""TaskRouter callbacks into session events (pure)."""

from datetime import UTC, datetime, timedelta

import pytest
from contracts import SessionEvent
from ingest_service.twilio import TwilioOptions, translate_taskrouter
from ingest_service.twilio.translate import InvalidCallback
from mysessions_platform.testing.twilio_taskrouter import TaskRouterTask

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
SUPPORT, SALES = "WQ" + "a" * 32, "WQ" + "b" * 32
ALICE, BOB = "WK" + "1" * 32, "WK" + "2" * 32
OPTIONS = TwilioOptions("acme", workers={ALICE: "alice"}, queues={SUPPORT: "support"})


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def types(events: list[SessionEvent]) -> list[str]:
    return [e.type for e in events]


def test_a_reservation_offers_the_task_and_implies_its_start_and_queue() -> None:
    task = TaskRouterTask(SUPPORT, "Support")
    entered = translate_taskrouter(OPTIONS, task.entered(at(0)))
    created = translate_taskrouter(
        OPTIONS, task.reservation("reservation.created", at(5), ALICE, "Alice")
    )
    assert types(entered) == ["session.started", "session.queued"]
    assert types(created) == ["session.started", "session.queued", "task.offered"]
    # The implied start and queue carry the ids of the real ones: ingest drops them.
    assert [e.event_id for e in created[:2]] == [e.event_id for e in entered]
    offered = created[2]
    assert offered.occurred_at == at(5)
    assert offered.user_id == "alice"  # type: ignore[union-attr]
    assert offered.user_session_id == task.reservations[ALICE]  # type: ignore[union-attr]
    assert offered.service_session_id == f"{task.task_sid}:{SUPPORT}"
    assert entered[0].caller.address == "+15551230001"  # type: ignore[union-attr]
    assert entered[0].service_id == "support"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("event_type", "outcome"),
    [
        ("reservation.accepted", "task.accepted"),
        ("reservation.rejected", "task.declined"),
        ("reservation.timeout", "task.rona"),
        ("reservation.canceled", "task.cancelled"),
        ("reservation.rescinded", "task.rescinded"),
    ],
)
def test_each_reservation_outcome(event_type: str, outcome: str) -> None:
    task = TaskRouterTask(SUPPORT, "Support")
    task.reservation("reservation.created", at(1), BOB, "Bob")
    events = translate_taskrouter(OPTIONS, task.reservation(event_type, at(9), BOB, "Bob"))
    assert types(events) == [outcome]
    assert events[0].user_id == "bob"  # type: ignore[union-attr]
    assert events[0].occurred_at == at(9)


def test_wrapup_and_completion_end_the_session_once() -> None:
    task = TaskRouterTask(SUPPORT, "Support")
    wrapup = translate_taskrouter(OPTIONS, task.task_event("task.wrapup", at(60)))
    completed = translate_taskrouter(OPTIONS, task.task_event("task.completed", at(90)))
    assert types(wrapup) == types(completed) == ["session.ended"]
    assert wrapup[0].event_id == completed[0].event_id  # the first to arrive is kept
    assert wrapup[0].occurred_at == at(60)


@pytest.mark.parametrize(
    ("reason", "closing"),
    [("hangup", "session.abandoned"), ("Task TTL Exceeded", "session.queue_exited")],
)
def test_a_canceled_task_left_the_queue(reason: str, closing: str) -> None:
    task = TaskRouterTask(SUPPORT, "Support")
    events = translate_taskrouter(
        OPTIONS, task.task_event("task.canceled", at(20), TaskCanceledReason=reason)
    )
    assert types(events) == [closing, "session.ended"]


def test_transfers_to_a_queue_and_to_a_worker() -> None:
    task = TaskRouterTask(SUPPORT, "Support")
    to_queue = translate_taskrouter(OPTIONS, task.transfer(at(30), "QUEUE", SALES))
    to_worker = translate_taskrouter(OPTIONS, task.transfer(at(31), "WORKER", ALICE, "WARM"))
    assert to_queue[0].target.kind == "service"  # type: ignore[union-attr]
    assert to_queue[0].target.service_id == SALES.lower()  # type: ignore[union-attr]
    assert to_worker[0].target.user_id == "alice"  # type: ignore[union-attr]
    assert to_worker[0].mode == "attended"  # type: ignore[union-attr]


def test_a_redelivered_callback_has_the_same_ids() -> None:
    task = TaskRouterTask(SUPPORT, "Support")
    form = task.reservation("reservation.created", at(5), ALICE, "Alice")
    first, again = translate_taskrouter(OPTIONS, form), translate_taskrouter(OPTIONS, form)
    assert [e.event_id for e in first] == [e.event_id for e in again]


def test_events_not_about_calls_are_ignored() -> None:
    assert translate_taskrouter(OPTIONS, {"EventType": "worker.activity.update"}) == []


def test_a_missing_field_is_named_never_a_value() -> None:
    form = TaskRouterTask(SUPPORT, "Support").reservation("reservation.created", at(1), BOB, "Bob")
    del form["ReservationSid"]
    with pytest.raises(InvalidCallback) as raised:
        translate_taskrouter(OPTIONS, form)
    assert str(raised.value) == "ReservationSid: missing"
