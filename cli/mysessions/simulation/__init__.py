"""A deterministic contact-center traffic simulator producing ``contracts.SessionEvent``\\s.

Pure code: no I/O, no clock reads, no global random state. The same ``SimulationConfig``
yields the same events, byte for byte::

    stats = SimulationStats()
    for event in simulate(SimulationConfig(tenants=2, rate=50, seed=7), stats):
        publish(encode(event))
"""

from mysessions.simulation.config import (
    DEFAULT_START,
    AgentBehaviour,
    CallerBehaviour,
    Handling,
    Mix,
    OutboundOutcomes,
    RoutingBehaviour,
    SimulationConfig,
)
from mysessions.simulation.engine import simulate
from mysessions.simulation.plan import RatePlan, max_session_s, plan
from mysessions.simulation.stats import SimulationStats

__all__ = [
    "DEFAULT_START",
    "AgentBehaviour",
    "CallerBehaviour",
    "Handling",
    "Mix",
    "OutboundOutcomes",
    "RatePlan",
    "RoutingBehaviour",
    "SimulationConfig",
    "SimulationStats",
    "max_session_s",
    "plan",
    "simulate",
]
