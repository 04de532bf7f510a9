"""Inbound offers: every outcome an offer can have, and the state machine's guarantees.

The ``script`` fixture (see conftest.py) writes the session's facts in call-flow order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from queue_service.domain import FactKind, fold, timers

if TYPE_CHECKING:
    from .conftest import Script

pytestmark = pytest.mark.unit


def _answered_call(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:26", "us-1")
    script.ended("10:05:26")


def test_an_offer_rings_as_incoming(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00", priority=7)
    script.offered("10:00:20", "us-1")

    (task,) = script.fold()

    assert (task.state, task.outcome, task.open) == ("incoming", None, False)
    assert (task.user_id, task.service_session_id, task.priority) == ("agent-1", "ss-1", 7)
    assert (task.direction, task.modality, task.service_name) == ("inbound", "voice", "SVC-A")
    assert task.caller_display_name == "Jane Doe"
    assert task.started_at == task.offered_at == script.facts[-1].at


def test_accepted_call_connects_then_ends_with_the_session(script: Script) -> None:
    _answered_call(script)

    task = script.view("us-1")

    assert (task.state, task.outcome, task.end_reason, task.open) == (
        "ended",
        "accepted",
        "normal",
        True,
    )
    assert task.inferred is False


def test_accepted_call_timers_agree_with_queue_log(script: Script) -> None:
    _answered_call(script)

    task = script.view("us-1")

    assert task.ended_at is not None
    assert timers(task, task.ended_at) == {
        "queue_s": 26.0,
        "ring_s": 6.0,
        "connected_s": 300.0,
        "dialout_s": None,
        "ringing_s": None,
    }


def test_connected_call_is_connected_until_the_session_ends(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:26", "us-1")

    task = script.view("us-1")

    assert (task.state, task.outcome, task.open) == ("connected", None, False)
    assert task.accepted_at == task.ring_ended_at


@pytest.mark.parametrize(
    "kind", [FactKind.TASK_DECLINED, FactKind.TASK_RONA, FactKind.TASK_CANCELLED]
)
def test_offer_that_stops_ringing_ends_with_that_outcome_and_no_work(
    script: Script, kind: FactKind
) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(kind, "10:00:35", "us-1")

    task = script.view("us-1")

    assert (task.state, task.outcome, task.open, task.end_reason) == (
        "ended",
        kind.value.removeprefix("task."),
        False,
        None,
    )
    assert task.ended_at is not None
    assert timers(task, task.ended_at)["ring_s"] == 15.0
    assert timers(task, task.ended_at)["queue_s"] == 35.0
    assert timers(task, task.ended_at)["connected_s"] is None


def test_two_agents_ring_one_accepts_the_other_is_rescinded(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1", user="agent-1")
    script.offered("10:00:20", "us-2", user="agent-2")
    script.task(FactKind.TASK_ACCEPTED, "10:00:24", "us-2")
    script.task(FactKind.TASK_RESCINDED, "10:00:24", "us-1")
    script.ended("10:03:00")

    tasks = script.tasks()

    assert (tasks["us-1"].outcome, tasks["us-1"].open) == ("rescinded", False)
    assert (tasks["us-2"].outcome, tasks["us-2"].open) == ("accepted", True)
    assert tasks["us-1"].ended_at == tasks["us-2"].accepted_at


def test_caller_hanging_up_in_queue_cancels_ringing_offers(script: Script) -> None:
    # Issue 6: the caller hung up while it rang, so Cancelled, whichever event said so
    # (this test expected the separate outcome "abandoned" before).
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1", user="agent-1")
    script.offered("10:00:20", "us-2", user="agent-2")
    script.task(FactKind.TASK_DECLINED, "10:00:22", "us-2")
    script.abandoned("10:00:30")
    script.ended("10:00:30")

    tasks = script.tasks()

    assert (tasks["us-1"].state, tasks["us-1"].outcome) == ("ended", "cancelled")
    assert tasks["us-1"].end_reason == "abandoned"
    assert tasks["us-1"].open is False
    assert tasks["us-2"].outcome == "declined"  # its own end came first
    assert tasks["us-1"].ended_at == script.facts[-2].at
    assert timers(tasks["us-1"], tasks["us-1"].ended_at)["queue_s"] == 30.0


def test_session_end_cancels_a_ringing_offer_without_a_task_event(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.ended("10:00:25", by="caller", reason="hangup")

    task = script.view("us-1")

    assert (task.outcome, task.end_reason, task.open) == ("cancelled", "hangup", False)


def test_session_end_keeps_the_reason_for_a_connected_task(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:26", "us-1")
    script.ended("10:01:00", by="system", reason="media_failure")

    task = script.view("us-1")

    assert (task.outcome, task.end_reason) == ("accepted", "media_failure")


def test_late_offer_never_brings_back_ringing(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:26", "us-1")
    script.offered("10:00:40", "us-1")  # a stray re-send, stamped later

    task = script.view("us-1")

    assert task.state == "connected"
    assert task.offered_at == script.facts[2].at


def test_events_for_an_ended_task_do_not_reopen_it(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_RONA, "10:00:40", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:41", "us-1")
    script.task(FactKind.TASK_DECLINED, "10:00:42", "us-1")
    script.offered("10:00:43", "us-1")

    task = script.view("us-1")

    assert (task.state, task.outcome) == ("ended", "rona")
    assert task.ended_at == script.facts[3].at


def test_first_terminal_outcome_wins_by_event_time_not_arrival(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    declined = script.task(FactKind.TASK_DECLINED, "10:00:30", "us-1")
    rona = script.task(FactKind.TASK_RONA, "10:00:29", "us-1")

    forwards = fold(script.facts)
    backwards = fold(reversed(script.facts))

    assert forwards == backwards
    assert forwards[0].outcome == "rona"
    assert forwards[0].ended_at == rona.at < declined.at


def test_offer_and_accept_at_the_same_instant_end_connected(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:20", "us-1")

    (task,) = fold(reversed(script.facts))

    assert task.state == "connected"


def test_decline_of_a_connected_task_is_ignored(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:26", "us-1")
    script.task(FactKind.TASK_DECLINED, "10:00:30", "us-1")

    assert script.view("us-1").state == "connected"


def test_a_task_whose_offer_was_lost_still_shows(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.facts.pop()  # upstream lost the offer
    script.task(FactKind.TASK_ACCEPTED, "10:00:26", "us-1")

    task = script.view("us-1")

    assert (task.state, task.offered_at, task.started_at) == (
        "connected",
        None,
        script.facts[-1].at,
    )
    assert timers(task, task.started_at)["ring_s"] is None
    assert timers(task, task.started_at)["queue_s"] == 26.0


def test_offer_after_the_session_ended_is_closed_at_once(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.ended("10:00:10", reason="hangup")
    script.offered("10:00:10.004", "us-1")  # the ringing agent's clock runs a little ahead

    task = script.view("us-1")

    assert (task.state, task.outcome, task.end_reason) == ("ended", "cancelled", "hangup")
    assert timers(task, task.updated_at)["ring_s"] == 0.0


def test_offer_after_the_caller_abandoned_is_cancelled(script: Script) -> None:
    # Issue 6: was "abandoned"; the caller hung up, so Cancelled.
    script.started("10:00:00")
    script.queued("10:00:00")
    script.abandoned("10:00:10")
    script.offered("10:00:16", "us-1")

    assert (script.view("us-1").outcome, script.view("us-1").end_reason) == (
        "cancelled",
        "abandoned",
    )


def test_without_session_started_defaults_are_inbound_voice_anonymous(script: Script) -> None:
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")

    task = script.view("us-1")

    assert (task.direction, task.modality, task.caller_display_name) == ("inbound", "voice", None)
    assert (task.service_id, task.service_name) == ("svc-a", "SVC-A")


def test_rev_counts_distinct_facts_and_grows(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    before = script.view("us-1").rev
    script.task(FactKind.TASK_ACCEPTED, "10:00:26", "us-1")

    (task,) = fold(script.facts + script.facts)

    assert (before, task.rev) == (3, 4)


def test_updated_at_is_the_last_fact_that_changed_the_task(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1", user="agent-1")
    script.offered("10:00:21", "us-2", user="agent-2")
    script.task(FactKind.TASK_DECLINED, "10:00:22", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:25", "us-2")  # does not change us-1

    tasks = script.tasks()

    assert tasks["us-1"].updated_at == script.facts[4].at
    assert tasks["us-2"].updated_at == script.facts[5].at


def test_no_facts_no_tasks() -> None:
    assert fold([]) == []


def test_facts_of_another_session_are_refused(script: Script) -> None:
    script.started("10:00:00")
    other = type(script)(session_id="session-2")
    other.started("10:00:00")

    with pytest.raises(ValueError, match="one session at a time"):
        fold(script.facts + other.facts)


def test_facts_of_another_tenant_are_refused(script: Script) -> None:
    script.started("10:00:00")
    other = type(script)(tenant_id="tenant-2")
    other.started("10:00:00")

    with pytest.raises(ValueError, match="one session at a time"):
        fold(script.facts + other.facts)


def test_a_task_fact_without_its_ids_is_a_translation_bug(script: Script) -> None:
    script.add(FactKind.TASK_OFFERED, "10:00:00", user_id="agent-1", service_session_id="ss-1")

    with pytest.raises(ValueError, match="user_session_id"):
        script.fold()


def test_two_different_facts_under_one_id_resolve_the_same_whatever_arrives_first(
    script: Script,
) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    declined = script.task(FactKind.TASK_DECLINED, "10:00:30", "us-1")
    clash = replace(declined, kind=FactKind.TASK_RONA)

    assert fold([*script.facts, clash]) == fold([clash, *script.facts])
    assert fold([clash, *script.facts])[0].rev == 4
