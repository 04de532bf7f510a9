"""E-mail and chat content on tasks, and the watchdog's expiry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from queue_service.domain import FactKind, fold, timers

if TYPE_CHECKING:
    from .conftest import Script

pytestmark = pytest.mark.unit


def _email_offer(script: Script) -> None:
    script.started("10:00:00", modality="email", caller=(None, "jane@example.com", "email"))
    script.queued("10:00:00")
    script.offered("10:00:05", "us-1")


@pytest.mark.parametrize("mail_first", [True, False])
def test_email_preview_reaches_the_task_whenever_it_arrives(
    script: Script, mail_first: bool
) -> None:
    if mail_first:
        script.email("10:00:00", subject="Invoice 42", snippet="Hello, my invoice")
    _email_offer(script)
    if not mail_first:
        script.email("10:00:07", subject="Invoice 42", snippet="Hello, my invoice")

    task = script.view("us-1")

    assert (task.modality, task.subject, task.snippet) == (
        "email",
        "Invoice 42",
        "Hello, my invoice",
    )
    assert task.caller_address == "jane@example.com"
    assert task.updated_at == (task.offered_at if mail_first else script.facts[-1].at)


def test_first_email_stays_the_preview(script: Script) -> None:
    _email_offer(script)
    script.email("10:00:06", subject="first")
    script.email("10:00:07", subject="second")

    assert script.view("us-1").subject == "first"


def test_chat_link_reaches_the_task_and_the_visitor_is_the_caller(script: Script) -> None:
    script.queued("10:00:00")
    script.offered("10:00:05", "us-1")
    script.chat("10:00:06", url="https://chat.example.com/c/77")
    script.task(FactKind.TASK_ACCEPTED, "10:00:09", "us-1")

    task = script.view("us-1")

    # Without session.started, the chat itself says what the session is.
    assert (task.modality, task.chat_url, task.caller_display_name) == (
        "chat",
        "https://chat.example.com/c/77",
        "Visitor",
    )


def test_expiry_closes_a_ringing_offer_as_expired_and_inferred(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.expired("14:00:20", idle_since="10:00:20")

    task = script.view("us-1")

    assert (task.state, task.outcome, task.end_reason, task.inferred, task.open) == (
        "ended",
        "expired",
        "expired",
        True,
        False,
    )
    # Timers stop when the session went quiet, not hours later when the watchdog looked.
    assert task.ended_at == task.offered_at
    assert task.updated_at == script.facts[-1].at
    assert timers(task, task.updated_at)["queue_s"] == 20.0


def test_expiry_of_a_connected_call_keeps_accepted_and_leaves_work_due(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:26", "us-1")
    script.expired("14:00:26", idle_since="10:00:26")

    task = script.view("us-1")

    assert (task.outcome, task.end_reason, task.inferred, task.open) == (
        "accepted",
        "expired",
        True,
        True,
    )
    assert timers(task, task.updated_at)["connected_s"] == 0.0


def test_expiry_does_not_touch_tasks_that_already_ended(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_DECLINED, "10:00:22", "us-1")
    script.expired("14:00:22", idle_since="10:00:22")

    task = script.view("us-1")

    assert (task.outcome, task.inferred) == ("declined", False)


def test_a_session_that_wakes_up_after_expiry_gets_live_tasks_again(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.expired("14:00:20", idle_since="10:00:20")
    script.offered("14:00:30", "us-2", user="agent-2")

    tasks = script.tasks()

    assert tasks["us-1"].state == "ended"
    assert tasks["us-2"].state == "incoming"


def test_repeated_expiry_events_change_nothing(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.expired("14:00:20", idle_since="10:00:20")
    once = fold(script.facts)
    script.expired("14:05:00", idle_since="10:00:20")

    twice = fold(script.facts)

    assert [t.ended_at for t in twice] == [t.ended_at for t in once]
    assert [t.updated_at for t in twice] == [t.updated_at for t in once]


def test_expiry_of_an_attempt_still_dialing_needs_no_work(script: Script) -> None:
    script.started("10:00:00", direction="outbound", service="svc-out")
    script.dialing("10:00:00", "us-1")
    script.expired("14:00:00", idle_since="10:00:00")

    task = script.view("us-1")

    assert (task.outcome, task.inferred, task.open) == ("expired", True, False)


def test_expiry_of_a_connected_attempt_keeps_destination_accepted(script: Script) -> None:
    script.started("10:00:00", direction="outbound", service="svc-out")
    script.dialing("10:00:00", "us-1")
    script.outbound(FactKind.OUTBOUND_DESTINATION_ACCEPTED, "10:00:09", "us-1")
    script.expired("14:00:09", idle_since="10:00:09")

    task = script.view("us-1")

    assert (task.outcome, task.end_reason, task.open) == ("destination_accepted", "expired", True)
