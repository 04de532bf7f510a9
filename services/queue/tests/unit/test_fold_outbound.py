"""Outbound attempts: dialing and ringing show as incoming, the destination's answer connects."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from queue_service.domain import FactKind, timers

if TYPE_CHECKING:
    from .conftest import Script

pytestmark = pytest.mark.unit

RINGING = FactKind.OUTBOUND_RINGING
ANSWERED = FactKind.OUTBOUND_DESTINATION_ACCEPTED


def _dial(script: Script) -> None:
    script.started(
        "10:00:00",
        direction="outbound",
        service="svc-out",
        caller=("ACME Ltd", "+4940111222", "pstn"),
    )
    script.dialing("10:00:00", "us-1")


def test_dialing_shows_a_dialing_outbound_task_to_the_destination(script: Script) -> None:
    # Issue 6: a placed call is "dialing", not "incoming" (the documentation's "Dialing Out").
    _dial(script)

    task = script.view("us-1")

    assert (task.direction, task.state, task.service_session_id) == ("outbound", "dialing", None)
    assert (task.caller_display_name, task.caller_address) == ("ACME Ltd", "+4940111222")
    assert task.started_at == task.dialing_at
    assert timers(task, script.facts[-1].at.replace(second=4))["dialout_s"] == 4.0


def test_destination_accepted_connects_and_needs_work_once_ended(script: Script) -> None:
    _dial(script)
    script.outbound(RINGING, "10:00:03", "us-1")
    ringing = script.view("us-1")
    script.outbound(ANSWERED, "10:00:10", "us-1")
    connected = script.view("us-1")
    script.ended("10:02:10", by="agent")

    task = script.view("us-1")

    assert (ringing.state, timers(ringing, ringing.updated_at)["dialout_s"]) == ("ringing", 3.0)
    assert (connected.state, connected.answered_at) == ("connected", connected.ring_ended_at)
    assert (task.state, task.outcome, task.end_reason, task.open) == (
        "ended",
        "destination_accepted",
        "normal",
        True,
    )
    assert timers(task, task.updated_at) == {
        "queue_s": None,
        "ring_s": 10.0,  # the agent's whole wait: dialing until the answer
        "connected_s": 120.0,
        "dialout_s": 3.0,
        "ringing_s": 7.0,
    }


@pytest.mark.parametrize(
    "kind",
    [
        FactKind.OUTBOUND_DESTINATION_DECLINED,
        FactKind.OUTBOUND_DESTINATION_NOT_REACHED,
        FactKind.OUTBOUND_USER_ABORTED,
    ],
)
def test_attempt_that_rang_and_failed_ends_open_for_work(script: Script, kind: FactKind) -> None:
    _dial(script)
    script.outbound(RINGING, "10:00:03", "us-1")
    script.outbound(kind, "10:00:20", "us-1")
    script.ended("10:00:20")

    task = script.view("us-1")

    assert (task.state, task.outcome, task.open) == (
        "ended",
        kind.value.removeprefix("outbound."),
        True,
    )
    assert timers(task, task.updated_at)["ringing_s"] == 17.0
    assert timers(task, task.updated_at)["connected_s"] is None


@pytest.mark.parametrize("reason", ["declined", "busy", "offline", "timeout", "error"])
def test_not_accepted_keeps_its_reason_and_needs_no_work(script: Script, reason: str) -> None:
    _dial(script)
    script.outbound(FactKind.OUTBOUND_NOT_ACCEPTED, "10:00:02", "us-1", reason=reason)
    script.ended("10:00:02", by="system", reason="failed")

    task = script.view("us-1")

    assert (task.outcome, task.end_reason, task.open) == ("not_accepted", reason, False)
    assert timers(task, task.updated_at)["dialout_s"] == 2.0
    assert timers(task, task.updated_at)["ringing_s"] is None


def test_agent_aborting_while_dialing_ends_the_dialout_timer(script: Script) -> None:
    _dial(script)
    script.outbound(FactKind.OUTBOUND_USER_ABORTED, "10:00:05", "us-1")

    task = script.view("us-1")

    assert timers(task, task.updated_at)["dialout_s"] == 5.0
    # The documentation shows a Ring Time for User-Aborted: the agent's whole wait.
    assert timers(task, task.updated_at)["ring_s"] == 5.0


def test_user_aborted_after_ringing_has_a_ring_time_from_dialing(script: Script) -> None:
    _dial(script)
    script.outbound(RINGING, "10:00:03", "us-1")
    script.outbound(FactKind.OUTBOUND_USER_ABORTED, "10:00:09", "us-1")

    task = script.view("us-1")

    assert task.outcome == "user_aborted"
    assert {k: v for k, v in timers(task, task.updated_at).items() if v is not None} == {
        "ring_s": 9.0,
        "dialout_s": 3.0,
        "ringing_s": 6.0,
    }


@pytest.mark.parametrize(
    ("ended_by", "outcome"),
    [
        ("agent", "user_aborted"),
        ("caller", "destination_declined"),
        ("system", "destination_not_reached"),
    ],
)
def test_session_end_while_still_ringing_says_who_hung_up(
    script: Script, ended_by: str, outcome: str
) -> None:
    _dial(script)
    script.outbound(RINGING, "10:00:03", "us-1")
    script.ended("10:00:30", by=ended_by)

    assert script.view("us-1").outcome == outcome


def test_answer_after_the_agent_aborted_is_ignored(script: Script) -> None:
    _dial(script)
    script.outbound(FactKind.OUTBOUND_USER_ABORTED, "10:00:05", "us-1")
    script.outbound(ANSWERED, "10:00:06", "us-1")

    assert script.view("us-1").outcome == "user_aborted"


def test_attempt_whose_dialing_was_lost_is_still_an_outbound_task(script: Script) -> None:
    _dial(script)
    script.facts.pop()
    script.outbound(RINGING, "10:00:03", "us-1")

    task = script.view("us-1")

    assert (task.direction, task.state, task.dialing_at, task.ringing_at) == (
        "outbound",
        "ringing",
        None,
        script.facts[-1].at,
    )
    # Without the destination from dialing, the session's customer is shown.
    assert task.caller_display_name == "ACME Ltd"
