"""The system's conclusions, through after-call work's one save-once path.

When a task's window closes unsaved, reporting saves the system's conclusion
(``concluded_by="system"``, primary ``system-timeout``) with ``save_after_call_work``, like
any saver: its unique insert decides between the system and an agent saving at the same
moment, the winner is what the record carries, and the published ``acw.submitted`` clears
the task's open marker in the queue. The save is stamped with the instant the window closed,
so a record never depends on when the sweep happened to run.

Where that path refuses (the queue no longer holds the task, or no longer finds it open),
the conclusion is kept among reporting's own facts instead (first save wins there too), so a
session is never left unwritten.
"""

from dataclasses import replace
from datetime import datetime
from typing import Protocol

from acw.domain import AcwConflict, AcwRefused
from acw.service import AcwPorts, SaveRequest, save_after_call_work
from acw.store import AcwSaves
from contracts import AfterCallWorkSubmitted

from reporting_service.adapters.facts_store import FactsStore
from reporting_service.adapters.translate import to_work
from reporting_service.domain import Task, Work, system_conclusion


class ConcludeAfterCallWork(Protocol):
    async def conclude(
        self, tenant_id: str, session_id: str, task: Task, window_closed_at: datetime
    ) -> Work:
        """Saves the system's conclusion unless work was saved first; returns what won."""
        ...


class LocalConclusion:
    """Keeps the conclusion among reporting's own facts only."""

    def __init__(self, facts: FactsStore) -> None:
        self._facts = facts

    async def conclude(
        self, tenant_id: str, session_id: str, task: Task, window_closed_at: datetime
    ) -> Work:
        work = system_conclusion(task, window_closed_at)
        return await self._facts.add_work(tenant_id, session_id, work)


class AcwConclusion:
    def __init__(self, ports: AcwPorts, saves: AcwSaves, fallback: LocalConclusion) -> None:
        self._ports = ports
        self._saves = saves
        self._fallback = fallback

    async def conclude(
        self, tenant_id: str, session_id: str, task: Task, window_closed_at: datetime
    ) -> Work:
        request = SaveRequest(
            tenant_id=tenant_id,
            user_id=task.user_id,
            session_id=session_id,
            user_session_id=task.user_session_id,
            concluded_by="system",
        )
        ports = replace(self._ports, clock=lambda: window_closed_at)
        try:
            saved = await save_after_call_work(request, ports)
        except AcwConflict:
            winner = await self._saves.find(tenant_id, task.user_session_id)
            if winner is None:  # saves are never deleted
                raise
            return to_work(AfterCallWorkSubmitted.model_validate_json(winner["event"]))
        except AcwRefused:
            return await self._fallback.conclude(tenant_id, session_id, task, window_closed_at)
        return to_work(saved.event)
