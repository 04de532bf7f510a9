"""The order of an agent's tasks on the My Sessions page.

Incoming tasks come first, most urgent on top: higher priority, then the customer who has
waited longest. The agent's own outbound attempts still dialing or ringing follow, oldest
first: the agent is waiting on them, but a customer waiting on the agent comes first.
Connected tasks follow, in the order they were answered, so a newly
answered task joins the bottom of the block and the ones above do not jump around. Ended
tasks (the history) close the list, most recently updated first. Every tie ends in the ids,
so two replicas always agree on the order.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from queue_service.domain.task import Task

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def order_for_agent(tasks: Iterable[Task]) -> list[Task]:
    return sorted(tasks, key=_position)


def _position(task: Task) -> tuple[int, int, int, str, str]:
    ids = (task.user_session_id, task.session_id)
    if task.state == "incoming":
        waiting_since = task.queued_at or task.started_at
        return (0, -task.priority, _micros(waiting_since), *ids)
    if task.state in ("dialing", "ringing"):
        return (1, 0, _micros(task.dialing_at or task.started_at), *ids)
    if task.state == "connected":
        connected_since = task.accepted_at or task.answered_at or task.started_at
        return (2, 0, _micros(connected_since), *ids)
    return (3, 0, -_micros(task.updated_at), *ids)


def _micros(instant: datetime) -> int:
    """Exact integer time, so sorting never depends on float rounding."""
    return (instant - _EPOCH) // _MICROSECOND
