"""Transfers: each service a session visits is its own service session with its own tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from queue_service.domain import FactKind, timers

if TYPE_CHECKING:
    from .conftest import Script

pytestmark = pytest.mark.unit

ACCEPTED = FactKind.TASK_ACCEPTED


def test_transfer_a_to_b_to_c_gives_each_service_session_its_tasks(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00", "ss-a", service="svc-a")
    script.offered("10:00:10", "us-a1", user="agent-1", ss="ss-a", service="svc-a")
    script.task(ACCEPTED, "10:00:15", "us-a1")
    script.transferred("10:02:00", "ss-a", to_service="svc-b")
    script.queued("10:02:00", "ss-b", service="svc-b", priority=5)
    script.offered("10:02:05", "us-b1", user="agent-2", ss="ss-b", service="svc-b")
    script.offered("10:02:05", "us-b2", user="agent-3", ss="ss-b", service="svc-b")
    script.task(ACCEPTED, "10:02:08", "us-b2")
    script.task(FactKind.TASK_RESCINDED, "10:02:08", "us-b1")
    script.transferred("10:04:00", "ss-b", to_service="svc-c")
    script.queued("10:04:00", "ss-c", service="svc-c")
    script.offered("10:04:10", "us-c1", user="agent-4", ss="ss-c", service="svc-c")
    script.task(ACCEPTED, "10:04:12", "us-c1")
    # The caller reaches the task in the last service while it is live ...
    assert script.view("us-c1").caller_display_name == "Jane Doe"
    script.ended("10:06:00")

    tasks = script.tasks()
    summary = {
        us: (t.service_session_id, t.service_name, t.outcome, t.end_reason, t.open)
        for us, t in tasks.items()
    }

    assert summary == {
        "us-a1": ("ss-a", "SVC-A", "accepted", "transferred", True),
        "us-b1": ("ss-b", "SVC-B", "rescinded", None, False),
        "us-b2": ("ss-b", "SVC-B", "accepted", "transferred", True),
        "us-c1": ("ss-c", "SVC-C", "accepted", "normal", True),
    }
    assert tasks["us-b1"].priority == tasks["us-b2"].priority == 5
    a1, b2, c1 = tasks["us-a1"], tasks["us-b2"], tasks["us-c1"]
    assert timers(a1, a1.updated_at)["connected_s"] == 105.0
    assert timers(b2, b2.updated_at)["queue_s"] == 8.0  # from entering B's queue
    assert timers(c1, c1.updated_at) == {
        "queue_s": 12.0,
        "ring_s": 2.0,
        "connected_s": 108.0,
        "dialout_s": None,
        "ringing_s": None,
    }
    # ... and no ended task keeps it (domain/privacy.py).
    assert {t.caller_display_name for t in tasks.values()} == {None}


def test_transfer_rescinds_offers_still_ringing_in_the_service_left(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00", "ss-a")
    script.offered("10:00:10", "us-1", user="agent-1", ss="ss-a")
    script.offered("10:00:10", "us-2", user="agent-2", ss="ss-a")
    script.task(ACCEPTED, "10:00:15", "us-1")
    script.transferred("10:01:00", "ss-a", to_service="svc-b")

    ringing = script.view("us-2")

    assert (ringing.outcome, ringing.end_reason, ringing.open) == (
        "rescinded",
        "transferred",
        False,
    )


def test_late_offer_of_a_service_session_already_left_is_rescinded(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00", "ss-a")
    script.transferred("10:00:30", "ss-a", to_service="svc-b")
    script.offered("10:00:31", "us-1", ss="ss-a")

    assert script.view("us-1").outcome == "rescinded"


def test_blind_transfer_to_a_user_offers_the_call_to_that_user(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00", "ss-1")
    script.offered("10:00:20", "us-1", user="agent-1")
    script.task(ACCEPTED, "10:00:26", "us-1")
    # One upstream action: both events carry the same instant.
    script.transferred("10:02:00", "ss-1", to_user="agent-2")
    script.offered("10:02:00", "us-2", user="agent-2")
    script.task(ACCEPTED, "10:02:05", "us-2")
    script.ended("10:04:00")

    first, second = script.view("us-1"), script.view("us-2")

    assert (first.outcome, first.end_reason, first.ended_at) == (
        "accepted",
        "transferred",
        second.offered_at,
    )
    assert (second.outcome, second.end_reason, second.service_session_id) == (
        "accepted",
        "normal",
        "ss-1",
    )
    # The target's wait starts at the transfer, not when the caller first queued.
    assert second.queued_at == second.offered_at
    assert timers(second, second.updated_at)["queue_s"] == 5.0


def test_transfer_to_a_user_in_a_new_service_session_still_times_from_the_transfer(
    script: Script,
) -> None:
    script.started("10:00:00")
    script.queued("10:00:00", "ss-1")
    script.offered("10:00:20", "us-1", user="agent-1")
    script.task(ACCEPTED, "10:00:26", "us-1")
    script.transferred("10:02:00", "ss-1", to_user="agent-2")
    script.offered("10:02:03", "us-2", user="agent-2", ss="ss-direct")

    second = script.view("us-2")

    assert second.state == "incoming"
    assert second.offered_at is not None
    assert timers(second, second.offered_at)["queue_s"] == 3.0


def test_attended_transfer_keeps_the_target_already_talking(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00", "ss-1")
    script.offered("10:00:20", "us-1", user="agent-1")
    script.task(ACCEPTED, "10:00:26", "us-1")
    script.offered("10:01:30", "us-2", user="agent-2")  # the consultation call
    script.task(ACCEPTED, "10:01:35", "us-2")
    script.transferred("10:02:00", "ss-1", to_user="agent-2")

    first, second = script.view("us-1"), script.view("us-2")

    assert (first.state, first.end_reason) == ("ended", "transferred")
    assert second.state == "connected"


def test_transfer_of_an_unanswered_call_rescinds_its_offer(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00", "ss-a")
    script.offered("10:00:10", "us-1", ss="ss-a")
    script.transferred("10:00:40", "ss-a", to_service="svc-overflow")
    script.queued("10:00:40", "ss-b", service="svc-overflow")
    script.offered("10:00:41", "us-2", user="agent-9", ss="ss-b", service="svc-overflow")

    tasks = script.tasks()

    assert tasks["us-1"].outcome == "rescinded"
    assert (tasks["us-2"].state, tasks["us-2"].service_name) == ("incoming", "SVC-OVERFLOW")
