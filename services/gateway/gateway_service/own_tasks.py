"""The caller's own tasks, and nobody else's: every task route starts here.

Tenant and user come from the token only, never from the request; the id in the path is
looked up among that agent's tasks. An id the agent has no task of, whether another agent's
or tenant's or none at all, answers the same 404 ``no such task``, so a request learns
nothing about what others have. Tasks are read through the queue's read API
(``queue_service.read``), as the views the queue renders.
"""

from collections.abc import Mapping
from datetime import UTC, datetime

from contracts import CallerView, TaskView
from queue_service.read import with_stored_callers

from gateway_service.auth.principal import Principal
from gateway_service.errors import not_found
from gateway_service.ports import Ports

__all__ = [
    "MAX_ID_CHARS",
    "own_stored_task",
    "own_task",
    "own_tasks",
    "shown",
    "with_live_caller",
]

MAX_ID_CHARS = 128
"""Ids are contract identifiers; a longer one names no task."""


async def own_stored_task(resources: Ports, caller: Principal, user_session_id: str) -> TaskView:
    """The caller's task of this id as the queue stored it (its view now, the caller not
    composed), looked up in the caller's own tasks only (tenant and user from the token);
    404 "no such task" otherwise."""
    return await _own(resources, caller, user_session_id, datetime.now(UTC))


async def own_task(
    resources: Ports, caller: Principal, user_session_id: str, now: datetime
) -> TaskView:
    """The caller's task of this id, with its view (caller composed from a stored record
    where the task ended and its service kept one); 404 otherwise."""
    view = await _own(resources, caller, user_session_id, now)
    [composed] = await shown(resources, caller, [view], now)
    return composed


async def own_tasks(resources: Ports, caller: Principal, now: datetime) -> list[TaskView]:
    """All the caller's tasks in page order, as the queue renders them (ended tasks' callers
    not yet composed: see ``shown``)."""
    return await resources.queue.agent_tasks(caller.tenant_id, caller.user_id, now)


async def shown(
    resources: Ports, caller: Principal, tasks: list[TaskView], now: datetime
) -> list[TaskView]:
    """The views as the agent sees them: live tasks show the caller the context service
    resolved (as the detail panel does), ended tasks the caller their service stored
    (directory callers looked up again). One read of each kind for the whole list."""
    live = [task.session_id for task in tasks if task.state != "ended"]
    resolved = await resources.context.live_callers(caller.tenant_id, live) if live else {}
    callers = resources.context.stored_callers(now)
    return [
        with_live_caller(task, resolved)
        for task in await with_stored_callers(caller.tenant_id, tasks, callers)
    ]


def with_live_caller(task: TaskView, resolved: Mapping[str, CallerView]) -> TaskView:
    """A live task's view with the caller a source resolved; unchanged where none did (the
    name upstream sent stays) or the task ended (its session may go on with others)."""
    found = resolved.get(task.session_id) if task.state != "ended" else None
    return task if found is None else task.model_copy(update={"caller": found})


async def _own(
    resources: Ports, caller: Principal, user_session_id: str, now: datetime
) -> TaskView:
    if not 1 <= len(user_session_id) <= MAX_ID_CHARS:
        raise not_found("task")
    view = await resources.queue.task(caller.tenant_id, caller.user_id, user_session_id, now)
    if view is None:
        raise not_found("task")
    return view
