"""Who ended a ringing task decides its outcome, whichever event carried it; clock skew of a
few seconds between upstream systems changes no outcome; a real end beats an expiry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from queue_service.domain import FactKind, fold, timers

if TYPE_CHECKING:
    from .conftest import Script

pytestmark = pytest.mark.unit

ACCEPTED = FactKind.TASK_ACCEPTED


def _ringing(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")


@pytest.mark.parametrize(
    ("ended_by", "outcome"),
    [("caller", "cancelled"), ("agent", "declined"), ("system", "rona")],
)
def test_session_end_while_an_offer_rings_names_who_ended_it(
    script: Script, ended_by: str, outcome: str
) -> None:
    _ringing(script)
    script.ended("10:00:25", by=ended_by, reason="hangup")

    task = script.view("us-1")

    assert (task.outcome, task.end_reason, task.open) == (outcome, "hangup", False)
    assert timers(task, task.updated_at)["ring_s"] == 5.0


def test_a_caller_hang_up_is_cancelled_whichever_event_carried_it(script: Script) -> None:
    _ringing(script)
    script.offered("10:00:20", "us-2", user="agent-2")
    script.offered("10:00:20", "us-3", user="agent-3")
    script.task(FactKind.TASK_CANCELLED, "10:00:30", "us-1")
    script.abandoned("10:00:30")
    script.ended("10:00:30", by="caller", reason="abandon")
    only_ended = [f for f in script.facts if f.kind != FactKind.SESSION_ABANDONED]

    assert {task.outcome for task in script.fold()} == {"cancelled"}
    assert {task.outcome for task in fold(only_ended)} == {"cancelled"}


def test_system_exit_from_the_queue_returns_ringing_offers_as_rona(script: Script) -> None:
    _ringing(script)
    script.add(
        FactKind.SESSION_QUEUE_EXITED, "10:01:00", service_session_id="ss-1", reason="timeout"
    )
    script.offered("10:01:02", "us-late", user="agent-2")  # offer heard of after the exit

    tasks = script.tasks()

    assert (tasks["us-1"].outcome, tasks["us-1"].end_reason) == ("rona", "queue_exited")
    assert tasks["us-late"].outcome == "rona"
    assert timers(tasks["us-1"], tasks["us-1"].updated_at)["queue_s"] == 60.0


@pytest.mark.parametrize("kind", ["external", "unknown"])
def test_transfer_out_of_the_system_closes_the_service_session(script: Script, kind: str) -> None:
    _ringing(script)
    script.offered("10:00:20", "us-2", user="agent-2")
    script.task(ACCEPTED, "10:00:24", "us-2")
    script.add(
        FactKind.SESSION_TRANSFERRED, "10:02:00", service_session_id="ss-1", transfer_kind=kind
    )
    script.offered("10:02:30", "us-late", user="agent-3")

    tasks = script.tasks()

    assert (tasks["us-1"].outcome, tasks["us-1"].end_reason) == ("rescinded", "transferred")
    assert (tasks["us-2"].outcome, tasks["us-2"].end_reason) == ("accepted", "transferred")
    assert tasks["us-late"].outcome == "rescinded"


def test_accept_stamped_after_a_skewed_hang_up_still_connects(script: Script) -> None:
    # The caller's end (platform clock) is stamped 2 s before the agent's accept (client
    # clock running ahead): the agent answered, the call was talked, then it ended.
    _ringing(script)
    script.task(ACCEPTED, "10:00:27", "us-1")
    script.ended("10:00:25", by="caller")

    task = script.view("us-1")

    assert (task.outcome, task.open) == ("accepted", True)
    assert timers(task, task.updated_at)["connected_s"] == 0.0  # real instants, clamped
    assert task.updated_at >= task.accepted_at  # type: ignore[operator]


def test_offer_applied_after_its_accept_still_sets_the_ring_time(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    offered = script.offered("10:00:20", "us-1")
    script.facts.pop()
    script.task(ACCEPTED, "10:00:19", "us-1")  # the accept's clock runs 3 s behind
    script.facts.append(offered)

    task = script.view("us-1")

    assert task.offered_at == offered.at
    assert timers(task, task.updated_at)["ring_s"] == 0.0


def test_a_real_end_that_arrives_after_the_watchdog_expiry_wins(script: Script) -> None:
    # A chat worked for five quiet hours: the watchdog guessed it over at 14:00; the real
    # end at 15:00 carries the true outcome and connected time.
    _ringing(script)
    script.task(ACCEPTED, "10:00:26", "us-1")
    expired = script.expired("14:00:26", idle_since="10:00:26")
    expired_view = script.view("us-1")
    script.ended("15:00:26", by="agent")

    task = script.view("us-1")

    assert (expired_view.inferred, expired_view.end_reason) == (True, "expired")
    assert (task.outcome, task.end_reason, task.inferred) == ("accepted", "normal", False)
    assert timers(task, task.updated_at)["connected_s"] == 5 * 3600.0
    assert expired in script.facts
    assert task.rev == len(script.facts)


def test_expiry_alone_still_closes_a_silent_session(script: Script) -> None:
    _ringing(script)
    script.expired("14:00:00", idle_since="10:00:20")

    assert (script.view("us-1").outcome, script.view("us-1").inferred) == ("expired", True)
