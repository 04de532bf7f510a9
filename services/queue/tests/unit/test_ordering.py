"""The agent's list: incoming by urgency, then connected, then history newest first."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest
from queue_service.domain import Task, order_for_agent

if TYPE_CHECKING:
    from .conftest import MakeTask

pytestmark = pytest.mark.unit


def _ids(tasks: list[Task]) -> list[str]:
    return [task.user_session_id for task in tasks]


def test_incoming_then_connected_then_ended(make_task: MakeTask) -> None:
    ended = make_task(user_session_id="ended", state="ended", outcome="declined")
    connected = make_task(user_session_id="connected", state="connected", accepted_at="10:00:05")
    incoming = make_task(user_session_id="incoming")

    assert _ids(order_for_agent([ended, connected, incoming])) == [
        "incoming",
        "connected",
        "ended",
    ]


def test_own_outbound_attempts_between_customer_calls_and_connected_oldest_first(
    make_task: MakeTask,
) -> None:
    attempt = {"direction": "outbound", "service_session_id": None, "offered_at": None}
    tasks = [
        make_task(user_session_id="connected", state="connected", accepted_at="09:00:00"),
        make_task(user_session_id="ringing-new", state="ringing", dialing_at="10:02:00", **attempt),
        make_task(user_session_id="dialing-old", state="dialing", dialing_at="10:01:00", **attempt),
        make_task(user_session_id="customer", queued_at="10:05:00", priority=0),
        make_task(user_session_id="ended", state="ended", outcome="rona"),
    ]

    assert _ids(order_for_agent(tasks)) == [
        "customer",
        "dialing-old",
        "ringing-new",
        "connected",
        "ended",
    ]


def test_incoming_by_priority_then_longest_waiting(make_task: MakeTask) -> None:
    tasks = [
        make_task(user_session_id="low-old", priority=1, queued_at="09:50:00"),
        make_task(user_session_id="high-new", priority=9, queued_at="10:00:00"),
        make_task(user_session_id="high-old", priority=9, queued_at="09:55:00"),
        # Not queued (e.g. a direct offer): it has waited since it started ringing.
        make_task(user_session_id="high-unqueued", priority=9, started_at="09:57:00"),
    ]

    assert _ids(order_for_agent(tasks)) == ["high-old", "high-unqueued", "high-new", "low-old"]


def test_connected_in_the_order_they_were_answered(make_task: MakeTask) -> None:
    tasks = [
        make_task(user_session_id="later", state="connected", accepted_at="10:05:00"),
        make_task(user_session_id="outbound", state="connected", answered_at="10:03:00"),
        make_task(user_session_id="earlier", state="connected", accepted_at="10:01:00"),
    ]

    assert _ids(order_for_agent(tasks)) == ["earlier", "outbound", "later"]


def test_history_most_recent_update_first(make_task: MakeTask) -> None:
    tasks = [
        make_task(user_session_id="old", state="ended", outcome="rona", updated_at="10:01:00"),
        make_task(user_session_id="new", state="ended", outcome="rona", updated_at="10:09:00"),
        make_task(user_session_id="mid", state="ended", outcome="rona", updated_at="10:05:00"),
    ]

    assert _ids(order_for_agent(tasks)) == ["new", "mid", "old"]


def test_ties_break_on_ids_whatever_the_input_order(make_task: MakeTask) -> None:
    tasks = [
        make_task(user_session_id=f"us-{n}", session_id=f"s-{n % 2}", state=state)
        for n in range(6)
        for state in ("incoming", "ringing", "connected", "ended")
    ]
    expected = order_for_agent(tasks)

    for seed in range(20):
        shuffled = tasks[:]
        random.Random(seed).shuffle(shuffled)
        assert order_for_agent(shuffled) == expected
