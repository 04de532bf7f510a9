"""Calls agents place: dialing, ringing, and how the destination or the network answers."""

from dataclasses import dataclass
from functools import partial
from typing import Literal

from contracts import (
    OutboundDestinationAccepted,
    OutboundDestinationDeclined,
    OutboundDestinationNotReached,
    OutboundDialing,
    OutboundNotAccepted,
    OutboundRinging,
    OutboundUserAborted,
    SessionStarted,
)

from mysessions.simulation.content import phone_party
from mysessions.simulation.conversation import Conversations, Routing
from mysessions.simulation.endings import EndedBy, end_session
from mysessions.simulation.ids import outbound_user_session_id
from mysessions.simulation.model import Call, Transcribed
from mysessions.simulation.topology import Agent, Service
from mysessions.simulation.world import Common, World

NotAcceptedReason = Literal["busy", "offline", "timeout", "error"]
NOT_ACCEPTED: dict[str, NotAcceptedReason] = {
    "busy": "busy", "offline": "offline", "timeout": "timeout", "error": "error"
}  # fmt: skip
Finish = (
    type[OutboundDestinationDeclined]
    | type[OutboundDestinationNotReached]
    | type[OutboundUserAborted]
)
DIAL_S = (1.0, 4.0)
"""From dialing until the destination rings (or the number turns out unreachable)."""
RING_BEFORE_NOT_REACHED_S = (30.0, 45.0)
FINISH_AFTER_RINGING: dict[str, tuple[Finish, EndedBy, tuple[float, float]]] = {
    "destination_declined": (OutboundDestinationDeclined, "caller", (3.0, 20.0)),
    "destination_not_reached": (OutboundDestinationNotReached, "system", RING_BEFORE_NOT_REACHED_S),
    "user_aborted": (OutboundUserAborted, "agent", (2.0, 15.0)),
}
ANSWER_S = (3.0, 20.0)
UNREACHABLE_AT_ONCE = 0.5
"""Share of unreached destinations that fail before ringing (invalid or switched-off)."""


class OutboundFields(Common):
    user_session_id: str
    user_id: str


@dataclass(frozen=True)
class Attempt:
    call: Call
    agent: Agent
    user_session_id: str


class Outbound:
    def __init__(self, world: World, conversations: Conversations, routing: Routing) -> None:
        self._world = world
        self._conversations = conversations
        self._routing = routing

    def place(self, service: Service) -> None:
        """The longest idle agent of the service dials out, as a dialer would assign it;
        if nobody is free, nobody dials."""
        world, rng = self._world, self._world.rng
        agent = next(world.agents.free_serving(service.service_id), None)
        if agent is None:
            world.stats.outbound_skipped += 1
            return
        world.agents.take(agent)
        destination = phone_party(rng, anonymous=0.0)
        call = Call(
            world.ids.session_id(),
            service.tenant_id,
            "outbound",
            "voice",
            destination,
            started_at=world.clock.now,
        )
        attempt = Attempt(call, agent, outbound_user_session_id(call.session_id))
        # an outbound call has no service session of its own: its user session stands in
        call.transcribed = Transcribed(
            attempt.user_session_id, attempt.user_session_id, service.service_id
        )
        world.emit(
            SessionStarted(
                **world.common(call),
                direction="outbound",
                modality="voice",
                service_id=service.service_id,
                service_name=service.name,
                caller=destination,
            )
        )
        world.emit(
            OutboundDialing(
                **world.common(call),
                user_session_id=attempt.user_session_id,
                user_id=agent.user_id,
                service_id=service.service_id,
                destination=destination,
            )
        )
        outcomes = world.config.outbound.shares()
        outcome = rng.choices(list(outcomes), weights=list(outcomes.values()))[0]
        if outcome in NOT_ACCEPTED:
            delay_s = rng.uniform(8.0, 12.0) if outcome == "timeout" else rng.uniform(0.3, 2.0)
            world.clock.after(delay_s, partial(self._not_accepted, attempt, NOT_ACCEPTED[outcome]))
        elif outcome == "destination_not_reached" and rng.random() < UNREACHABLE_AT_ONCE:
            world.clock.after(
                rng.uniform(*DIAL_S),
                partial(self._finish, attempt, OutboundDestinationNotReached, "system", outcome),
            )
        else:
            world.clock.after(rng.uniform(*DIAL_S), partial(self._ringing, attempt, outcome))

    def _ringing(self, attempt: Attempt, outcome: str) -> None:
        world = self._world
        world.emit(OutboundRinging(**self._fields(attempt)))
        if outcome == "destination_accepted":
            world.clock.after(world.rng.uniform(*ANSWER_S), partial(self._answered, attempt))
            return
        kind, ended_by, delay_s = FINISH_AFTER_RINGING[outcome]
        world.clock.after(
            world.rng.uniform(*delay_s), partial(self._finish, attempt, kind, ended_by, outcome)
        )

    def _answered(self, attempt: Attempt) -> None:
        self._world.emit(OutboundDestinationAccepted(**self._fields(attempt)))
        self._conversations.connect_outbound(attempt.call, attempt.agent)

    def _not_accepted(self, attempt: Attempt, reason: NotAcceptedReason) -> None:
        self._world.emit(OutboundNotAccepted(**self._fields(attempt), reason=reason))
        end_session(self._world, attempt.call, "system", f"not_accepted_{reason}")
        self._routing.release(attempt.agent)

    def _finish(self, attempt: Attempt, kind: Finish, ended_by: EndedBy, reason: str) -> None:
        self._world.emit(kind(**self._fields(attempt)))
        end_session(self._world, attempt.call, ended_by, reason)
        self._routing.release(attempt.agent)

    def _fields(self, attempt: Attempt) -> OutboundFields:
        return {
            **self._world.common(attempt.call),
            "user_session_id": attempt.user_session_id,
            "user_id": attempt.agent.user_id,
        }
