"""The run: wires the flows around one clock and one RNG, and yields events in time order."""

from collections.abc import Iterator
from random import Random

from contracts import SessionEvent

from mysessions.simulation.agents import AgentPool
from mysessions.simulation.arrivals import Arrivals
from mysessions.simulation.config import SimulationConfig
from mysessions.simulation.conversation import Conversations
from mysessions.simulation.ids import Ids
from mysessions.simulation.inbound import Inbound
from mysessions.simulation.model import Visit
from mysessions.simulation.outbound import Outbound
from mysessions.simulation.plan import plan
from mysessions.simulation.routing import Router
from mysessions.simulation.scheduler import Scheduler
from mysessions.simulation.stats import SimulationStats
from mysessions.simulation.topology import Agent, build_tenants
from mysessions.simulation.world import World


def simulate(
    config: SimulationConfig, stats: SimulationStats | None = None
) -> Iterator[SessionEvent]:
    """Yield the run's events lazily, in non-decreasing ``occurred_at`` order.

    The same config yields the same events, byte for byte. Pass ``stats`` to have it counted
    as the events are generated. New sessions start only within ``duration_s``; sessions
    already started run to their end, which ``max_session_s`` bounds.
    """
    rng = Random(config.seed)
    tenants = build_tenants(config, rng)
    world = World(
        config=config,
        rng=rng,
        clock=Scheduler(),
        ids=Ids(config.run_tag),
        agents=AgentPool(agent for tenant in tenants for agent in tenant.agents),
        stats=stats if stats is not None else SimulationStats(),
        pending=[],
    )

    def connect(visit: Visit, agent: Agent) -> None:
        conversations.connect_inbound(visit, agent)

    router = Router(world, on_connected=connect)
    conversations = Conversations(world, router, {tenant.tenant_id: tenant for tenant in tenants})
    arrivals = Arrivals(
        world,
        Inbound(world, router),
        Outbound(world, conversations, router),
        plan(config).sessions_per_service_per_s,
    )
    arrivals.start(service for tenant in tenants for service in tenant.services)
    while world.clock.run_next():
        batch = list(world.pending)
        world.pending.clear()
        for event in batch:
            world.stats.observe(event)
            yield event
