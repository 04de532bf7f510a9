"""Who is simulated: tenants, their services, and agents who each serve several services."""

from dataclasses import dataclass
from random import Random

from mysessions.simulation.config import SimulationConfig
from mysessions.simulation.content import service_name

EXTRA_SERVICE_CHANCE = 0.4
"""Besides the services an agent is assigned so every service is staffed."""


@dataclass(frozen=True)
class Service:
    tenant_id: str
    service_id: str
    name: str
    ring_all: bool


@dataclass(frozen=True)
class Agent:
    tenant_id: str
    user_id: str
    service_ids: tuple[str, ...]
    """A tuple, not a set: iteration order must not depend on string hashing."""


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    services: tuple[Service, ...]
    agents: tuple[Agent, ...]


def build_tenants(config: SimulationConfig, rng: Random) -> tuple[Tenant, ...]:
    return tuple(
        _tenant(config, rng, number, tenant_id)
        for number, tenant_id in enumerate(config.tenant_ids, start=1)
    )


def _tenant(config: SimulationConfig, rng: Random, number: int, tenant_id: str) -> Tenant:
    services = tuple(
        Service(
            tenant_id=tenant_id,
            service_id=f"t{number}-svc-{index + 1}",
            name=service_name(index),
            ring_all=rng.random() < config.routing.ring_all,
        )
        for index in range(config.services_per_tenant)
    )
    service_count, agent_count = len(services), config.agents_per_tenant
    agents = tuple(
        Agent(
            tenant_id=tenant_id,
            user_id=f"t{number}-agent-{index + 1}",
            service_ids=tuple(
                service.service_id
                for position, service in enumerate(services)
                # Every agent has a home service and every service has an agent.
                if position == index % service_count
                or index == position % agent_count
                or rng.random() < EXTRA_SERVICE_CHANCE
            ),
        )
        for index in range(agent_count)
    )
    return Tenant(tenant_id=tenant_id, services=services, agents=agents)
