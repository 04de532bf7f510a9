"""From a target event rate to session arrival rates, and the bound on a run's tail.

The simulator cannot count events before it runs, so it estimates what an average session
produces (``estimates``) and sets the Poisson arrival rate so that sessions times events
matches ``rate``. When the agents cannot carry the load that takes, only a share of the
sessions is answered; the rest wait, give up or time out and produce fewer events, so more
sessions arrive to keep the rate: the contact center is overloaded, as a real one would be.
"""

from dataclasses import dataclass

from mysessions.simulation import estimates
from mysessions.simulation.config import SimulationConfig
from mysessions.simulation.conversation import TRANSFER_DELAY_S
from mysessions.simulation.inbound import INTAKE_S, IVR_S
from mysessions.simulation.outbound import ANSWER_S, DIAL_S, RING_BEFORE_NOT_REACHED_S

HEALTHY_OCCUPANCY = 0.85
"""Above this share of agents busy, queues grow long."""
REACHABLE_OCCUPANCY = 0.95
"""Agents are never all busy: services differ in staffing and offers wait for answers."""


@dataclass(frozen=True)
class RatePlan:
    events_per_session: float
    sessions_per_s: float
    """Over all tenants and services."""
    sessions_per_service_per_s: float
    offered_load_per_tenant: float
    """Agents busy at once, on average, if every session at this rate were answered (erlangs)."""
    answered_share: float
    """Sessions the agents can take; the rest are abandoned or time out."""

    @property
    def agents_needed_per_tenant(self) -> int:
        """For short queues at this rate: a rule of thumb, not Erlang C."""
        return int(self.offered_load_per_tenant / HEALTHY_OCCUPANCY) + 1


def plan(config: SimulationConfig) -> RatePlan:
    mix = config.mix
    kinds = [
        (mix.inbound_voice, estimates.inbound(config, "voice")),
        (mix.email, estimates.inbound(config, "email")),
        (mix.chat, estimates.inbound(config, "chat")),
        (mix.outbound, estimates.outbound(config)),
    ]
    answered = sum(share * kind.answered_events for share, kind in kinds)
    unanswered = sum(share * kind.unanswered_events for share, kind in kinds)
    agent_s = sum(share * kind.agent_s for share, kind in kinds)
    capacity_s = config.tenants * config.agents_per_tenant * REACHABLE_OCCUPANCY
    all_answered_per_s = config.rate / answered
    sessions_per_s = all_answered_per_s
    if sessions_per_s * agent_s > capacity_s and unanswered > 0:
        # Answered sessions are capped at capacity / agent_s; unanswered ones fill the rest.
        carried = capacity_s / agent_s
        sessions_per_s = carried + (config.rate - carried * answered) / unanswered
    answered_share = min(1.0, capacity_s / (sessions_per_s * agent_s))
    return RatePlan(
        events_per_session=config.rate / sessions_per_s,
        sessions_per_s=sessions_per_s,
        sessions_per_service_per_s=sessions_per_s / (config.tenants * config.services_per_tenant),
        offered_load_per_tenant=all_answered_per_s * agent_s / config.tenants,
        answered_share=answered_share,
    )


def max_session_s(config: SimulationConfig) -> float:
    """No session lasts longer: the tail a run may need after ``duration_s``."""
    routing, handling = config.routing, config.handling
    per_service = (
        routing.max_queue_s  # then the system ends it...
        + config.agent.ring_timeout_s  # ...once the offers ringing at that moment are over
        + handling.max_handling_s
        + TRANSFER_DELAY_S
    )
    inbound = max(IVR_S[1], INTAKE_S[1]) + (routing.max_transfers + 1) * per_service
    outbound = DIAL_S[1] + max(RING_BEFORE_NOT_REACHED_S[1], ANSWER_S[1] + handling.max_handling_s)
    return max(inbound, outbound)
