"""Which agents are free: an agent rings, talks or wraps up one session at a time."""

from collections.abc import Iterable, Iterator

from mysessions.simulation.topology import Agent


class AgentPool:
    def __init__(self, agents: Iterable[Agent]) -> None:
        self._serving: dict[str, list[Agent]] = {}
        # Agents are released in clock order, so insertion order is longest idle first.
        self._free: dict[str, dict[str, Agent]] = {}
        for agent in agents:
            for service_id in agent.service_ids:
                self._serving.setdefault(service_id, []).append(agent)
                self._free.setdefault(service_id, {})[agent.user_id] = agent

    def serving(self, service_id: str) -> list[Agent]:
        return self._serving.get(service_id, [])

    def free_serving(self, service_id: str) -> Iterator[Agent]:
        """Free agents of the service, longest idle first (the usual ACD rule)."""
        return iter(self._free.get(service_id, {}).values())

    def is_free(self, agent: Agent) -> bool:
        return agent.user_id in self._free[agent.service_ids[0]]

    def take(self, agent: Agent) -> None:
        if not self.is_free(agent):
            raise RuntimeError(f"{agent.user_id} is already busy")
        for service_id in agent.service_ids:
            del self._free[service_id][agent.user_id]

    def release(self, agent: Agent) -> None:
        if self.is_free(agent):
            raise RuntimeError(f"{agent.user_id} is already free")
        for service_id in agent.service_ids:
            self._free[service_id][agent.user_id] = agent
