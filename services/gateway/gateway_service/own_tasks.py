"""The caller's own tasks, and nobody else's: every task route starts here.

Tenant and user come from the token only, never from the request; the id in the path is
looked up among that agent's tasks. An id the agent has no task of, whether another agent's
or tenant's or none at all, answers the same 404 ``no such task``, so a request learns
nothing about what others have.
"""

from datetime import datetime

from contracts import TaskView
from queue_service.adapters.view_model import task_view
from queue_service.domain import Task
from queue_service.view import agent_tasks, with_stored_callers

from gateway_service.auth.principal import Principal
from gateway_service.errors import not_found
from gateway_service.history_callers import StoredContextCallers
from gateway_service.resources import Resources

__all__ = ["MAX_ID_CHARS", "OwnTask", "own_stored_task", "own_task", "own_tasks", "shown"]

MAX_ID_CHARS = 128
"""Ids are contract identifiers; a longer one names no task."""


OwnTask = tuple[Task, TaskView]


async def own_stored_task(resources: Resources, caller: Principal, user_session_id: str) -> Task:
    """The caller's task of this id as the queue stored it, looked up in the caller's own
    tasks only (tenant and user from the token); 404 "no such task" otherwise."""
    if not 1 <= len(user_session_id) <= MAX_ID_CHARS:
        raise not_found("task")
    task = await resources.tasks.read_task(caller.tenant_id, caller.user_id, user_session_id)
    if task is None:
        raise not_found("task")
    return task


async def own_task(
    resources: Resources, caller: Principal, user_session_id: str, now: datetime
) -> OwnTask:
    """The caller's task of this id, with its view (caller composed from a stored record
    where the task ended and its service kept one); 404 otherwise."""
    task = await own_stored_task(resources, caller, user_session_id)
    [view] = await shown(resources, caller, [(task, task_view(task, now))], now)
    return task, view


async def own_tasks(resources: Resources, caller: Principal, now: datetime) -> list[OwnTask]:
    """All the caller's tasks in page order, as the queue renders them (ended tasks' callers
    not yet composed: see ``shown``)."""
    tasks = await agent_tasks(resources.tasks, caller.tenant_id, caller.user_id)
    return [(task, task_view(task, now)) for task in tasks]


async def shown(
    resources: Resources, caller: Principal, tasks: list[OwnTask], now: datetime
) -> list[TaskView]:
    """The views as the agent sees them: ended tasks show the caller their service stored."""
    callers = StoredContextCallers(resources.stored_context, now)
    return await with_stored_callers(caller.tenant_id, tasks, callers)
