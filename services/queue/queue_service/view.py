"""An agent's My Sessions list, exactly as the page shows it.

``agent_view`` is the whole list as JSON (``mysessions view``); readers that page or search
(the gateway) take the steps one by one: ``agent_tasks`` (the stored tasks in page order),
``task_view`` per task, and ``with_stored_callers`` for the ended ones they show.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from contracts import CallerView, TaskView

from queue_service.adapters.store import TaskStore
from queue_service.adapters.view_model import task_view
from queue_service.domain import Task, order_for_agent

__all__ = [
    "HistoryCallers",
    "ServiceOfSession",
    "StoredCaller",
    "agent_tasks",
    "agent_view",
    "with_stored_callers",
]


@dataclass(frozen=True, slots=True)
class StoredCaller:
    """The caller as a service that stores context kept it for a session it handled."""

    display_name: str
    address: str | None


ServiceOfSession = tuple[str, str | None]
"""(session id, service id) of an ended task: what a stored context record is found by."""


class HistoryCallers(Protocol):
    """Where the callers of ended tasks come from, if anywhere: the stored context records
    of services that opted in (``store conversation context data``). The queue keeps none."""

    async def stored_callers(
        self, tenant_id: str, sessions: Sequence[ServiceOfSession]
    ) -> Mapping[ServiceOfSession, StoredCaller]:
        """The stored caller of each (session, service) that has one; others left out."""
        ...


async def agent_tasks(
    store: TaskStore, tenant_id: str, user_id: str, history_limit: int = 1000
) -> list[Task]:
    """The agent's stored tasks in page order: incoming, outbound attempts, connected,
    then history (most recent update first)."""
    return order_for_agent(await store.read_agent(tenant_id, user_id, history_limit))


async def with_stored_callers(
    tenant_id: str,
    shown: Sequence[tuple[Task, TaskView]],
    history_callers: HistoryCallers,
) -> list[TaskView]:
    """The views, each ended task's caller replaced by its stored record's where its
    service kept one (one ``stored_callers`` call for all of them)."""
    ended = [(task.session_id, task.service_id) for task, _ in shown if _ended(task)]
    stored = await history_callers.stored_callers(tenant_id, ended) if ended else {}
    composed = []
    for task, view in shown:
        found = stored.get((task.session_id, task.service_id)) if _ended(task) else None
        if found is not None:
            caller = CallerView(display_name=found.display_name, address=found.address)
            view = view.model_copy(update={"caller": caller})
        composed.append(view)
    return composed


async def agent_view(
    store: TaskStore,
    tenant_id: str,
    user_id: str,
    now: datetime,
    history_limit: int = 1000,
    history_callers: HistoryCallers | None = None,
) -> list[dict[str, object]]:
    """The agent's tasks in page order, each in the published ``TaskView`` shape (as JSON).

    An ended task's caller is "Not Available" unless ``history_callers`` holds a stored
    record for its session and service, whose caller is shown instead."""
    tasks = await agent_tasks(store, tenant_id, user_id, history_limit)
    views = [task_view(task, now) for task in tasks]
    if history_callers is not None:
        views = await with_stored_callers(
            tenant_id, list(zip(tasks, views, strict=True)), history_callers
        )
    return [view.model_dump(mode="json") for view in views]


def _ended(task: Task) -> bool:
    return task.state == "ended"
