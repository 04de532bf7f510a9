"""The open marker: handled and ended, Codes and Tags on for the task's service, not saved."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import pytest
from queue_service.domain import FactKind, fold

if TYPE_CHECKING:
    from .conftest import Script

pytestmark = pytest.mark.unit


def _answered_call(script: Script) -> None:
    script.started("10:00:00")
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_ACCEPTED, "10:00:26", "us-1")
    script.ended("10:05:26")


def _saved(script: Script, clock: str = "10:06:00") -> None:
    script.add(
        FactKind.ACW_SAVED,
        clock,
        user_session_id="us-1",
        user_id="agent-1",
        service_session_id="ss-1",
        service_id="svc-a",
    )


def test_a_handled_task_is_open_only_where_its_service_has_codes_and_tags(
    script: Script,
) -> None:
    _answered_call(script)

    assert [task.open for task in fold(script.facts, frozenset({"svc-a"}))] == [True]
    assert [task.open for task in fold(script.facts, frozenset())] == [False]
    assert [task.open for task in fold(script.facts, frozenset({"svc-other"}))] == [False]


def test_saved_work_clears_the_marker_and_is_a_change_of_the_task(script: Script) -> None:
    _answered_call(script)
    (before,) = fold(script.facts, frozenset({"svc-a"}))
    _saved(script)

    (after,) = fold(script.facts, frozenset({"svc-a"}))

    assert (before.open, after.open) == (True, False)
    assert after.rev == before.rev + 1  # a higher revision: the store writes and publishes it
    assert (after.state, after.outcome) == ("ended", "accepted")


def test_saved_work_clears_the_marker_whatever_order_the_facts_come_in(script: Script) -> None:
    _answered_call(script)
    _saved(script, clock="10:05:00")  # even stamped before the end (skewed clocks)
    shuffled = list(script.facts)
    random.Random(7).shuffle(shuffled)

    (task,) = fold(shuffled, frozenset({"svc-a"}))

    assert (task.state, task.outcome, task.open) == ("ended", "accepted", False)


def test_saved_work_of_another_task_leaves_this_one_open(script: Script) -> None:
    _answered_call(script)
    script.add(FactKind.ACW_SAVED, "10:06:00", user_session_id="us-other", user_id="agent-2")

    (task,) = fold(script.facts, frozenset({"svc-a"}))

    assert task.open is True
