"""The benchmark's workload saves after-call work exactly where the product makes it due:
once per task the agent handled (``contracts.task_rules.handled``, the queue's own rule,
applied here to each task's outcome as a simple reference), never for offers the agent
never had, each save naming its task and coming after the task's last event."""

from collections import Counter
from datetime import datetime

import pytest
from contracts.task_rules import handled
from mysessions.bench.workload import build

pytestmark = pytest.mark.unit

OUTCOME_OF = {
    "task.accepted": "accepted",
    "task.declined": "declined",
    "task.rona": "rona",
    "task.cancelled": "cancelled",
    "task.rescinded": "rescinded",
    "outbound.destination_accepted": "destination_accepted",
    "outbound.destination_declined": "destination_declined",
    "outbound.destination_not_reached": "destination_not_reached",
    "outbound.user_aborted": "user_aborted",
    "outbound.not_accepted": "not_accepted",
}


def test_one_save_per_handled_task_after_its_last_event() -> None:
    workload = build(3000, seed=3, prefix="bench-unit")
    outcomes: dict[tuple[str, str], set[str]] = {}
    direction: dict[tuple[str, str], str] = {}
    last: dict[tuple[str, str], datetime] = {}
    for event in workload.events:
        task_id = getattr(event, "user_session_id", None)
        if task_id is None:
            continue
        key = (event.tenant_id, task_id)
        if event.type == "task.offered":
            direction[key] = "inbound"
        elif event.type == "outbound.dialing":
            direction[key] = "outbound"
        if event.type in OUTCOME_OF:
            outcomes.setdefault(key, set()).add(OUTCOME_OF[event.type])
        last[key] = max(last.get(key, event.occurred_at), event.occurred_at)
    due = {
        key
        for key, found in outcomes.items()
        if key in direction and any(handled(direction[key], outcome) for outcome in found)
    }
    saved = Counter((save.tenant_id, save.user_session_id) for save in workload.saves)

    assert due, "the workload has handled tasks"
    assert set(saved) == due
    assert max(saved.values()) == 1
    for save in workload.saves:
        assert save.occurred_at > last[(save.tenant_id, save.user_session_id)]


def test_the_workload_is_about_the_size_asked_and_the_same_for_a_seed() -> None:
    first = build(5000, seed=1, prefix="bench-unit")
    again = build(5000, seed=1, prefix="bench-unit")
    assert 4000 <= len(first.events) <= 6000
    assert [e.type for e in first.events] == [e.type for e in again.events]
