"""Service sessions waiting for a free agent, most urgent first, then longest waiting."""

from collections.abc import Callable

from mysessions.simulation.model import Visit
from mysessions.simulation.topology import Agent


def _urgency(visit: Visit) -> tuple[int, float, str]:
    return (-visit.priority, visit.queued_at, visit.service_session_id)


class WaitingLists:
    def __init__(self) -> None:
        self._by_service: dict[str, dict[str, Visit]] = {}

    def add(self, visit: Visit) -> None:
        waiting = self._by_service.setdefault(visit.service.service_id, {})
        waiting[visit.service_session_id] = visit

    def discard(self, visit: Visit) -> None:
        self._by_service.get(visit.service.service_id, {}).pop(visit.service_session_id, None)

    def __contains__(self, visit: Visit) -> bool:
        return visit.service_session_id in self._by_service.get(visit.service.service_id, {})

    def best_for(self, agent: Agent, may_offer: Callable[[Visit, Agent], bool]) -> Visit | None:
        candidates = [
            visit
            for service_id in agent.service_ids
            for visit in self._by_service.get(service_id, {}).values()
            if may_offer(visit, agent)
        ]
        return min(candidates, key=_urgency, default=None)
