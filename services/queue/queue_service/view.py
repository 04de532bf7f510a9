"""An agent's My Sessions list, exactly as the page shows it.

``agent_view`` is the whole list as JSON (``mysessions view``); readers that page or search
(the gateway, through ``queue_service.read``) take the steps one by one: ``agent_tasks``
(the views in page order), and ``with_stored_callers`` for the ended ones they show.
Whoever shows an ended task composes its caller: a kept ``directory_upn`` never leaves
unresolved (``without_directory_upn``).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from contracts import CallerView, TaskView

from queue_service.adapters.view_model import task_view
from queue_service.domain import Task, order_for_agent

__all__ = [
    "AgentLists",
    "HistoryCallers",
    "ServiceOfSession",
    "agent_tasks",
    "agent_view",
    "with_stored_callers",
    "without_directory_upn",
]


ServiceOfSession = tuple[str, str | None]
"""(session id, service id) of an ended task: what a stored context record is found by."""


class HistoryCallers(Protocol):
    """Where the callers of ended tasks come from, if anywhere: the stored context records
    of services that opted in (``store conversation context data``), and the tenant's
    directory for its own users. The queue keeps no customer's details, and of a directory
    user only the UPN (``CallerView.directory_upn``)."""

    async def stored_callers(
        self,
        tenant_id: str,
        sessions: Sequence[ServiceOfSession],
        directory_upns: Mapping[ServiceOfSession, str] | None = None,
    ) -> Mapping[ServiceOfSession, CallerView]:
        """The stored caller of each (session, service) that has one; of one that has none
        but is in ``directory_upns`` (its ended task kept its directory caller's UPN), the
        directory's user of that UPN now; others left out."""
        ...


class AgentLists(Protocol):
    """What reads an agent's stored tasks (``AgentReads``, or the writer ``TaskStore``)."""

    async def read_agent(self, tenant_id: str, user_id: str, history_limit: int) -> list[Task]: ...


async def agent_tasks(
    store: AgentLists, tenant_id: str, user_id: str, history_limit: int = 1000
) -> list[Task]:
    """The agent's stored tasks in page order: incoming, outbound attempts, connected,
    then history (most recent update first)."""
    return order_for_agent(await store.read_agent(tenant_id, user_id, history_limit))


async def with_stored_callers(
    tenant_id: str, shown: Sequence[TaskView], history_callers: HistoryCallers
) -> list[TaskView]:
    """The views, each ended task's caller replaced by its stored record's where its
    service kept one, else by the directory's user of the UPN the task kept, else "Not
    Available" without the UPN (one ``stored_callers`` call for all of them)."""
    ended = [(view.session_id, view.service_id) for view in shown if _ended(view)]
    upns = {
        (view.session_id, view.service_id): view.caller.directory_upn
        for view in shown
        if _ended(view) and view.caller.directory_upn is not None
    }
    stored = await history_callers.stored_callers(tenant_id, ended, upns) if ended else {}
    composed = []
    for view in shown:
        if _ended(view):
            found = stored.get((view.session_id, view.service_id))
            view = view.model_copy(update={"caller": found or without_directory_upn(view.caller)})
        composed.append(view)
    return composed


def without_directory_upn(caller: CallerView) -> CallerView:
    """The caller as shown where nobody looked its kept UPN up, or the directory no longer
    knows it: the UPN is for looking up, never shown in its stead."""
    return caller.model_copy(update={"directory_upn": None})


async def agent_view(
    store: AgentLists,
    tenant_id: str,
    user_id: str,
    now: datetime,
    history_limit: int = 1000,
    history_callers: HistoryCallers | None = None,
) -> list[dict[str, object]]:
    """The agent's tasks in page order, each in the published ``TaskView`` shape (as JSON).

    An ended task's caller is "Not Available" unless ``history_callers`` holds a stored
    record for its session and service, or the directory user of the UPN it kept, whose
    caller is shown instead."""
    tasks = await agent_tasks(store, tenant_id, user_id, history_limit)
    views = [task_view(task, now) for task in tasks]
    if history_callers is not None:
        views = await with_stored_callers(tenant_id, views, history_callers)
    else:
        views = [v.model_copy(update={"caller": without_directory_upn(v.caller)}) for v in views]
    return [view.model_dump(mode="json") for view in views]


def _ended(view: TaskView) -> bool:
    return view.state == "ended"
