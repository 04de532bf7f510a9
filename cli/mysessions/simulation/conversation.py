"""Connected sessions: live captions and parameter updates while they last, then a transfer
to another service of the tenant or the end, and the agent's wrap-up."""

from collections.abc import Mapping
from functools import partial
from typing import Literal, Protocol

from contracts import FinalTranscriptLine, SessionTransferred, TranscriptSegment, TransferTarget

from mysessions.simulation.content import agent_parameters, transfer_parameters, utterance
from mysessions.simulation.endings import end_session, settle_transcript
from mysessions.simulation.model import Call, Visit
from mysessions.simulation.parameters import update_parameters
from mysessions.simulation.scheduler import Action
from mysessions.simulation.topology import Agent, Service, Tenant
from mysessions.simulation.world import World

MIN_HANDLING_S = 5.0
MIN_CAPTION_GAP_S = 1.0
SPOKEN_MS_PER_CHAR = 60
TRANSFER_DELAY_S = 1.0
"""From ``session.transferred`` until the call reaches the next service's queue."""

Speaker = Literal["caller", "agent"]


class Routing(Protocol):
    def enqueue(self, call: Call, service: Service) -> None: ...

    def release(self, agent: Agent, after_s: float = 0.0) -> None: ...


class Conversations:
    def __init__(self, world: World, routing: Routing, tenants: Mapping[str, Tenant]) -> None:
        self._world = world
        self._routing = routing
        self._tenants = tenants

    def connect_inbound(self, visit: Visit, agent: Agent) -> None:
        call = visit.call
        target = self._transfer_target(call, visit.service)
        self._talk(call, then=partial(self._leave_service, visit, agent, target))

    def connect_outbound(self, call: Call, agent: Agent) -> None:
        self._talk(call, then=partial(self._hang_up, call, agent))

    def _talk(self, call: Call, then: Action) -> None:
        world, handling = self._world, self._world.config.handling
        if world.rng.random() < handling.agent_parameters:
            update_parameters(world, call, agent_parameters(world.rng))
        mean_s = {
            "voice": handling.mean_talk_s,
            "chat": handling.mean_chat_s,
            "email": handling.mean_email_s,
        }[call.modality]
        duration_s = min(
            handling.max_handling_s, max(MIN_HANDLING_S, world.rng.expovariate(1 / mean_s))
        )
        if call.modality == "voice":
            self._next_caption(call, until=world.clock.now + duration_s)
        world.clock.after(duration_s, then)

    def _next_caption(self, call: Call, until: float) -> None:
        world = self._world
        gap_s = max(
            MIN_CAPTION_GAP_S, world.rng.expovariate(1 / world.config.handling.caption_interval_s)
        )
        if world.clock.now + gap_s < until:
            world.clock.after(gap_s, partial(self._caption, call, until))

    def _caption(self, call: Call, until: float) -> None:
        world = self._world
        transcribed = call.transcribed
        if transcribed is None:
            return
        speaker: Speaker = "caller" if world.rng.random() < 0.5 else "agent"
        text = utterance(world.rng, speaker)
        offset_ms = world.offset_ms(call)
        call.captions += 1
        world.emit(
            TranscriptSegment(
                **world.common(call),
                service_session_id=transcribed.service_session_id,
                user_session_id=transcribed.user_session_id,
                segment_id=f"seg-{call.captions}",
                speaker=speaker,
                start_ms=offset_ms,
                end_ms=offset_ms + SPOKEN_MS_PER_CHAR * len(text),
                text=text,
                final=True,
            )
        )
        call.transcript.append(FinalTranscriptLine(speaker=speaker, text=text, offset_ms=offset_ms))
        self._next_caption(call, until)

    def _transfer_target(self, call: Call, current: Service) -> Service | None:
        routing, rng = self._world.config.routing, self._world.rng
        others = [s for s in self._tenants[call.tenant_id].services if s != current]
        if call.modality != "voice" or call.transfers >= routing.max_transfers or not others:
            return None
        return rng.choice(others) if rng.random() < routing.transfer else None

    def _leave_service(self, visit: Visit, agent: Agent, target: Service | None) -> None:
        if target is None:
            self._hang_up(visit.call, agent)
            return
        world, call = self._world, visit.call
        settle_transcript(world, call)
        world.emit(
            SessionTransferred(
                **world.common(call),
                service_session_id=visit.service_session_id,
                target=TransferTarget(
                    kind="service", service_id=target.service_id, service_name=target.name
                ),
            )
        )
        call.transfers += 1
        call.visit = None
        self._routing.release(agent, after_s=world.config.agent.wrap_up_s)
        world.clock.after(TRANSFER_DELAY_S, partial(self._arrive, call, target, visit.service))

    def _arrive(self, call: Call, target: Service, source: Service) -> None:
        self._routing.enqueue(call, target)
        if self._world.rng.random() < self._world.config.handling.agent_parameters:
            update_parameters(self._world, call, transfer_parameters(self._world.rng, source.name))

    def _hang_up(self, call: Call, agent: Agent) -> None:
        world = self._world
        if call.modality == "email":
            end_session(world, call, "agent", "replied")
        else:
            customer = world.rng.random() < world.config.caller.hangs_up
            end_session(world, call, "caller" if customer else "agent", "normal")
        self._routing.release(agent, after_s=world.config.agent.wrap_up_s)
