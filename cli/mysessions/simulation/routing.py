"""Queues and offers: matches waiting service sessions with free agents and plays out every
offer (accepted, declined, RONA, rescinded for ring-all losers, cancelled when the caller
hangs up while it rings), abandonment in the queue and the queue's time limit (the system
takes the call out: ``session.queue_exited``).

When the caller hangs up while offers ring, upstream reports it either per offer
(``task.cancelled``) or only by ``session.abandoned``: the queue folds both to Cancelled,
so the simulator sends both shapes.

Every offer ends in exactly one of those outcomes, and an agent is offered only when free.
"""

from collections.abc import Callable
from functools import partial
from itertools import islice

from contracts import (
    SessionAbandoned,
    SessionQueued,
    SessionQueueExited,
    TaskAccepted,
    TaskCancelled,
    TaskDeclined,
    TaskOffered,
    TaskRescinded,
    TaskRingNoAnswer,
)

from mysessions.simulation.endings import end_session
from mysessions.simulation.ids import service_session_id, user_session_id
from mysessions.simulation.model import Call, Offer, Transcribed, Visit
from mysessions.simulation.topology import Agent, Service
from mysessions.simulation.waiting import WaitingLists
from mysessions.simulation.world import World

OfferOutcome = (
    type[TaskAccepted]
    | type[TaskDeclined]
    | type[TaskRingNoAnswer]
    | type[TaskCancelled]
    | type[TaskRescinded]
)
RING_ALL_WIDTH = 2
TIER_PRIORITY = {"gold": 50, "silver": 20}
TRANSFER_PRIORITY = 10
"""A transferred caller has waited once already, so each transfer moves them up."""
CANCELLED_PER_OFFER = 0.5
"""Share of hang-ups while offers ring that upstream also reports per offer."""


def priority(call: Call) -> int:
    tier = TIER_PRIORITY.get(call.parameters.get("account_tier", ""), 0)
    return min(100, tier + TRANSFER_PRIORITY * call.transfers)


class Router:
    def __init__(self, world: World, on_connected: Callable[[Visit, Agent], None]) -> None:
        self._world = world
        self._on_connected = on_connected
        self._waiting = WaitingLists()

    def enqueue(self, call: Call, service: Service) -> None:
        """The call enters the service's queue: a new service session."""
        world = self._world
        call.visits += 1
        visit = Visit(
            service_session_id=service_session_id(call.session_id, call.visits),
            call=call,
            service=service,
            priority=priority(call),
            queued_at=world.clock.now,
        )
        call.visit = visit
        world.emit(
            SessionQueued(
                **world.common(call),
                service_session_id=visit.service_session_id,
                service_id=service.service_id,
                service_name=service.name,
                priority=visit.priority,
            )
        )
        if call.impatient:
            patience = world.rng.expovariate(1 / world.config.caller.mean_patience_s)
            world.clock.after(patience, partial(self._caller_gives_up, visit))
        world.clock.after(world.config.routing.max_queue_s, partial(self._queue_times_out, visit))
        self._waiting.add(visit)
        self._offer_round(visit)

    def release(self, agent: Agent, after_s: float = 0.0) -> None:
        """The agent is free again, now or after wrap-up, and takes the next waiting session."""
        if after_s > 0:
            self._world.clock.after(after_s, partial(self.release, agent))
            return
        self._world.agents.release(agent)
        visit = self._waiting.best_for(agent, self._may_offer)
        if visit is not None:
            self._offer_round(visit)

    def _may_offer(self, visit: Visit, agent: Agent) -> bool:
        """Not to an agent who passed on this service session, unless every agent has."""
        return agent.user_id not in visit.passed_by or self._everyone_passed(visit)

    def _everyone_passed(self, visit: Visit) -> bool:
        return len(visit.passed_by) >= len(self._world.agents.serving(visit.service.service_id))

    def _offer_round(self, visit: Visit) -> None:
        if self._everyone_passed(visit):
            visit.passed_by.clear()  # start over
        free = self._world.agents.free_serving(visit.service.service_id)
        eligible = (agent for agent in free if agent.user_id not in visit.passed_by)
        chosen = list(islice(eligible, RING_ALL_WIDTH if visit.service.ring_all else 1))
        if not chosen:
            return
        self._waiting.discard(visit)
        for agent in chosen:
            self._offer(visit, agent)

    def _offer(self, visit: Visit, agent: Agent) -> None:
        world, behaviour = self._world, self._world.config.agent
        world.agents.take(agent)
        visit.offers += 1
        offer = Offer(user_session_id(visit.service_session_id, visit.offers), visit, agent)
        visit.ringing.append(offer)
        world.emit(
            TaskOffered(
                **world.common(visit.call),
                service_session_id=visit.service_session_id,
                user_session_id=offer.user_session_id,
                user_id=agent.user_id,
                service_id=visit.service.service_id,
            )
        )
        draw = world.rng.random()
        if draw < behaviour.accept:
            world.clock.after(
                world.rng.uniform(*behaviour.answer_delay_s), partial(self._accepted, offer)
            )
        elif draw < behaviour.accept + behaviour.decline:
            world.clock.after(
                world.rng.uniform(*behaviour.answer_delay_s),
                partial(self._passed, offer, TaskDeclined, 0.0),
            )
        else:
            world.clock.after(
                behaviour.ring_timeout_s,
                partial(self._passed, offer, TaskRingNoAnswer, behaviour.not_ready_after_rona_s),
            )

    def _close(self, offer: Offer, outcome: OfferOutcome) -> None:
        offer.live = False
        offer.visit.ringing.remove(offer)
        self._world.emit(
            outcome(
                **self._world.common(offer.visit.call),
                service_session_id=offer.visit.service_session_id,
                user_session_id=offer.user_session_id,
                user_id=offer.agent.user_id,
            )
        )

    def _accepted(self, offer: Offer) -> None:
        if not offer.live:
            return
        visit = offer.visit
        self._close(offer, TaskAccepted)
        visit.agent = offer.agent
        visit.call.transcribed = Transcribed(
            visit.service_session_id, offer.user_session_id, visit.service.service_id
        )
        losers = list(visit.ringing)
        for loser in losers:
            self._close(loser, TaskRescinded)
        self._on_connected(visit, offer.agent)
        for loser in losers:
            self.release(loser.agent)

    def _passed(self, offer: Offer, outcome: OfferOutcome, not_ready_s: float) -> None:
        """Declined or RONA: the service session waits for the next agent."""
        if not offer.live:
            return
        visit = offer.visit
        self._close(offer, outcome)
        visit.passed_by.add(offer.agent.user_id)
        if not visit.ringing:
            if visit.timed_out:
                self._exit_queue(visit)
            else:
                self._waiting.add(visit)
                self._offer_round(visit)
        self.release(offer.agent, after_s=not_ready_s)

    def _caller_gives_up(self, visit: Visit) -> None:
        if not visit.unanswered:
            return
        ringing = list(visit.ringing)
        for offer in ringing:
            if self._world.rng.random() < CANCELLED_PER_OFFER:
                self._close(offer, TaskCancelled)
            else:  # session.abandoned below ends it
                offer.live = False
                visit.ringing.remove(offer)
        self._waiting.discard(visit)
        world = self._world
        world.emit(
            SessionAbandoned(
                **world.common(visit.call), service_session_id=visit.service_session_id
            )
        )
        end_session(world, visit.call, "caller", "abandoned")
        for offer in ringing:
            self.release(offer.agent)

    def _queue_times_out(self, visit: Visit) -> None:
        if not visit.unanswered:
            return
        if visit.ringing:
            visit.timed_out = True  # ends when the offers ringing now are not accepted
            return
        self._waiting.discard(visit)
        self._exit_queue(visit)

    def _exit_queue(self, visit: Visit) -> None:
        """The queue's time limit: the system, not the caller, takes the call out."""
        world = self._world
        world.emit(
            SessionQueueExited(
                **world.common(visit.call),
                service_session_id=visit.service_session_id,
                reason="timeout",
            )
        )
        end_session(world, visit.call, "system", "queue_timeout")
