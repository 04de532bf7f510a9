"""How much history an agent keeps: a time window and a cap on the number of entries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from queue_service.domain.task import Task


@dataclass(frozen=True, slots=True)
class HistoryPolicy:
    """Ended tasks stay ``window`` after their last update, and at most ``max_entries``
    of them (newest kept) so one busy agent cannot grow their history without bound."""

    window: timedelta = timedelta(days=30)
    max_entries: int = 1000

    def __post_init__(self) -> None:
        if self.window < timedelta(0):
            raise ValueError("the history window cannot be negative")
        if self.max_entries < 0:
            raise ValueError("max_entries cannot be negative")


def history_to_drop(
    tasks: Iterable[Task], now: datetime, policy: HistoryPolicy = HistoryPolicy()
) -> list[str]:
    """``user_session_id`` of the ended tasks (of one agent) to remove, newest first.

    A task updated exactly ``window`` ago is still kept. Live tasks are never dropped: an
    agent must always see a call that is ringing or connected, however old.
    """
    cutoff = now - policy.window
    # Newest first; equal times broken by id, descending: the order of a Redis sorted set
    # read backwards, so this rule and the Lua trim in Redis keep exactly the same tasks.
    history = sorted(
        (task for task in tasks if task.state == "ended"),
        key=lambda task: (task.updated_at, task.user_session_id),
        reverse=True,
    )
    return [
        task.user_session_id
        for position, task in enumerate(history)
        if position >= policy.max_entries or task.updated_at < cutoff
    ]
