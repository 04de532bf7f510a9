"""History retention: a window in time and a cap on entries; live tasks always stay."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from queue_service.domain import HistoryPolicy, Task, history_to_drop

if TYPE_CHECKING:
    from .conftest import MakeTask

pytestmark = pytest.mark.unit


def _history(make_task: MakeTask, count: int) -> list[Task]:
    """``count`` ended tasks, ``h-0`` newest, one minute apart from 10:59 back."""
    return [
        make_task(
            user_session_id=f"h-{n}",
            state="ended",
            outcome="accepted",
            updated_at=f"10:{59 - n:02d}:00",
        )
        for n in range(count)
    ]


def test_default_policy_is_thirty_days_and_a_thousand_entries() -> None:
    assert HistoryPolicy() == HistoryPolicy(window=timedelta(days=30), max_entries=1000)


def test_entries_older_than_the_window_are_dropped(make_task: MakeTask) -> None:
    tasks = _history(make_task, 5)
    now = tasks[0].updated_at + timedelta(minutes=2)

    dropped = history_to_drop(tasks, now, HistoryPolicy(window=timedelta(minutes=4)))

    # h-2 was updated exactly 4 minutes ago: still inside the window.
    assert dropped == ["h-3", "h-4"]


def test_only_the_newest_entries_are_kept(make_task: MakeTask) -> None:
    tasks = _history(make_task, 5)

    dropped = history_to_drop(reversed(tasks), tasks[0].updated_at, HistoryPolicy(max_entries=2))

    assert dropped == ["h-2", "h-3", "h-4"]


def test_live_tasks_are_never_dropped_however_old(make_task: MakeTask) -> None:
    ringing = make_task(user_session_id="ringing", updated_at="00:00:00")
    talking = make_task(user_session_id="talking", state="connected", updated_at="00:00:00")
    now = ringing.updated_at + timedelta(days=90)

    dropped = history_to_drop([ringing, talking], now, HistoryPolicy(max_entries=0))

    assert dropped == []


def test_nothing_to_drop_within_both_limits(make_task: MakeTask) -> None:
    tasks = _history(make_task, 3)

    assert history_to_drop(tasks, tasks[0].updated_at) == []


@pytest.mark.parametrize("changes", [{"window": timedelta(seconds=-1)}, {"max_entries": -1}])
def test_negative_limits_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="negative"):
        HistoryPolicy(**changes)  # type: ignore[arg-type]
