"""What one session of each kind is expected to produce, from the behaviour probabilities.

*Answered* figures assume an agent is free whenever one is needed; *unanswered* figures are
for a session nobody could take (it waits, is abandoned or times out, and ends). The rate
plan mixes the two when the agents are too few.
"""

from dataclasses import dataclass
from math import exp

from mysessions.simulation.config import SimulationConfig
from mysessions.simulation.routing import RING_ALL_WIDTH

OUTBOUND_SETUP_S = 15.0
"""An agent's time on an outbound call before it connects or fails, roughly."""


@dataclass(frozen=True)
class Expectation:
    answered_events: float
    unanswered_events: float
    agent_s: float
    """Agent time (ringing, connected, wrap-up) an answered session takes."""


@dataclass(frozen=True)
class _Visit:
    events: float
    connected: float
    agent_s: float


def _capped_mean(mean_s: float, cap_s: float) -> float:
    """Mean of an exponential duration capped at ``cap_s``."""
    return mean_s * (1.0 - exp(-cap_s / mean_s))


def _abandoned(config: SimulationConfig, impatient: float, failed_s: float) -> float:
    """Chance the caller's patience runs out before an agent accepts."""
    agent, patience_s = config.agent, config.caller.mean_patience_s
    low, high = agent.answer_delay_s
    # First offer accepted after a uniform delay; otherwise after the failed offers too.
    stays_first = patience_s / (high - low) * (exp(-low / patience_s) - exp(-high / patience_s))
    if high == low:
        stays_first = exp(-low / patience_s)
    later_wait_s = (low + high) / 2 + failed_s / agent.accept
    stays = agent.accept * stays_first + (1 - agent.accept) * exp(-later_wait_s / patience_s)
    return impatient * (1.0 - stays)


def _visit(config: SimulationConfig, *, impatient: float, talk_s: float, captions: float) -> _Visit:
    agent, ring_all = config.agent, config.routing.ring_all
    answer_s = sum(agent.answer_delay_s) / 2
    wide_success = 1.0 - (1.0 - agent.accept) ** RING_ALL_WIDTH
    offer_events = 2 * ((1 - ring_all) / agent.accept + ring_all * RING_ALL_WIDTH / wide_success)
    passed = agent.decline + agent.rona
    failed_s = (
        (agent.decline * answer_s + agent.rona * agent.ring_timeout_s) / passed if passed else 0
    )
    abandoned = _abandoned(config, impatient, failed_s)
    connected = 1.0 - abandoned
    events = (
        1.0  # session.queued
        + offer_events * (1.0 - abandoned / 2)
        + abandoned  # session.abandoned
        + connected * (config.handling.agent_parameters + captions)
    )
    ringing_s = offer_events / 2 * (answer_s * agent.accept + failed_s * passed)
    agent_s = ringing_s + connected * (talk_s + agent.wrap_up_s)
    return _Visit(events=events, connected=connected, agent_s=agent_s)


def inbound(config: SimulationConfig, modality: str) -> Expectation:
    handling, routing = config.handling, config.routing
    mean_s = {"voice": handling.mean_talk_s, "chat": handling.mean_chat_s,
              "email": handling.mean_email_s}[modality]  # fmt: skip
    talk_s = _capped_mean(mean_s, handling.max_handling_s)
    captions = talk_s / handling.caption_interval_s if modality == "voice" else 0.0
    impatient = 0.0 if modality == "email" else config.caller.abandon
    visit = _visit(config, impatient=impatient, talk_s=talk_s, captions=captions)
    can_transfer = modality == "voice" and config.services_per_tenant > 1
    onward = visit.connected * routing.transfer if can_transfer else 0.0
    reach = [onward**hop for hop in range(routing.max_transfers + 1 if can_transfer else 1)]
    arrival = (
        1.0  # session.started
        + (0.0 if modality == "voice" else 1.0)  # email.received or chat.received
        + handling.ivr_parameters
    )
    answered = (
        arrival
        + sum(reach) * visit.events
        + sum(reach[1:]) * (1.0 + handling.agent_parameters)  # transferred, new parameters
        + (visit.connected if modality == "voice" else 0.0)  # transcript.final
        + 1.0  # session.ended
    )
    unanswered = arrival + 3.0  # queued, abandoned or queue_exited, ended
    return Expectation(answered, unanswered, agent_s=sum(reach) * visit.agent_s)


def outbound(config: SimulationConfig) -> Expectation:
    shares, handling = config.outbound, config.handling
    talk_s = _capped_mean(handling.mean_talk_s, handling.max_handling_s)
    captions = talk_s / handling.caption_interval_s
    not_accepted = shares.busy + shares.offline + shares.timeout + shares.error
    answered = (
        3.0  # session.started, outbound.dialing, session.ended
        + not_accepted
        + 1.5 * shares.destination_not_reached  # half of them ring first
        + 2.0 * (shares.destination_declined + shares.user_aborted)
        + shares.destination_accepted * (3.0 + handling.agent_parameters + captions)
    )
    agent_s = OUTBOUND_SETUP_S + shares.destination_accepted * (talk_s + config.agent.wrap_up_s)
    # Without a free agent nobody dials: the attempt produces nothing.
    return Expectation(answered, unanswered_events=0.0, agent_s=agent_s)
