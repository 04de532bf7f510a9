"""An agent's My Sessions list, exactly as the page shows it."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from queue_service.adapters.store import TaskStore
from queue_service.adapters.view_model import task_view
from queue_service.domain import Task, order_for_agent


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
    tasks = order_for_agent(await store.read_agent(tenant_id, user_id, history_limit))
    views = [task_view(task, now).model_dump(mode="json") for task in tasks]
    if history_callers is None:
        return views
    ended = [(task.session_id, task.service_id) for task in tasks if _ended(task)]
    stored = await history_callers.stored_callers(tenant_id, ended) if ended else {}
    for task, view in zip(tasks, views, strict=True):
        found = stored.get((task.session_id, task.service_id)) if _ended(task) else None
        if found is not None:
            view["caller"] = {"display_name": found.display_name, "address": found.address}
    return views


def _ended(task: Task) -> bool:
    return task.state == "ended"
