"""The port to after-call work's save-once use case, for the system's conclusions.

When a task's window closes unsaved, reporting asks after-call work to save the system's
conclusion (``concluded_by="system"``, primary ``system-timeout``); after-call work's
save-once rule decides between it and an agent saving at the same moment, and the winner is
what the record carries. Until branch h9's ``save_after_call_work(...)`` is merged, the
placeholder :class:`LocalConclusion` keeps the conclusion among reporting's own facts
(first save wins there too); the lead wires the real use case in at merge.
"""

from datetime import datetime
from typing import Protocol

from reporting_service.adapters.facts_store import FactsStore
from reporting_service.domain import Task, Work, system_conclusion


class ConcludeAfterCallWork(Protocol):
    async def conclude(
        self, tenant_id: str, session_id: str, task: Task, window_closed_at: datetime
    ) -> Work:
        """Saves the system's conclusion unless work was saved first; returns what won."""
        ...


class LocalConclusion:
    def __init__(self, facts: FactsStore) -> None:
        self._facts = facts

    async def conclude(
        self, tenant_id: str, session_id: str, task: Task, window_closed_at: datetime
    ) -> Work:
        work = system_conclusion(task, window_closed_at)
        return await self._facts.add_work(tenant_id, session_id, work)
