"""The queue's tasks meet the published shapes: the task view and the changelog record."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import contracts as c
import pytest
from queue_service.adapters.changelog import from_record, to_record
from queue_service.adapters.view_model import task_view
from queue_service.domain import FactKind, Task

if TYPE_CHECKING:
    from .conftest import Script

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def _scenario_tasks(script: Script) -> list[Task]:
    script.started("10:00:00", caller=(None, "anonymous", "anonymous"))
    script.queued("10:00:00")
    script.offered("10:00:20", "us-1")
    script.task(FactKind.TASK_DECLINED, "10:00:25", "us-1")
    script.offered("10:00:30", "us-2", user="agent-2")
    script.task(FactKind.TASK_ACCEPTED, "10:00:35", "us-2")
    script.email("10:00:36", subject="Invoice 42", snippet="Hello,")
    return list(script.tasks().values())


def test_every_rendered_task_is_a_valid_task_view(script: Script) -> None:
    for task in _scenario_tasks(script):
        view = task_view(task, NOW)
        assert view.user_session_id == task.user_session_id
        assert view.as_of == NOW


def test_anonymous_callers_address_never_reaches_the_view(script: Script) -> None:
    views = {v.user_session_id: v for v in (task_view(t, NOW) for t in _scenario_tasks(script))}
    assert (views["us-2"].caller.display_name, views["us-2"].caller.address) == ("Anonymous", None)
    # us-1 was declined: an ended task shows no caller at all.
    assert (views["us-1"].caller.display_name, views["us-1"].caller.address) == (
        "Not Available",
        None,
    )


def test_changelog_record_has_exactly_the_domain_tasks_fields() -> None:
    contract = set(c.QueueTask.model_fields) - {"type"}
    assert contract == {field.name for field in fields(Task)}


def test_changelog_record_round_trips(script: Script) -> None:
    for task in _scenario_tasks(script):
        assert from_record(c.encode(to_record(task))) == task


def test_changelog_keys_of_different_identities_never_meet() -> None:
    assert c.task_key("acme", "eu:alice", "1") != c.task_key("acme:eu", "alice", "1")
    assert c.task_key("a", "b", "c") == c.task_key("a", "b", "c")
