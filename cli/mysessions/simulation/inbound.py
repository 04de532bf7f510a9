"""A customer reaches a service: the session starts, an e-mail or chat arrives with it, a
call passes the IVR, and the session enters the service's queue."""

from functools import partial

from contracts import ChatReceived, EmailReceived, Modality, Party, SessionStarted

from mysessions.simulation.content import (
    chat_url,
    email_html,
    email_party,
    email_subject,
    ivr_parameters,
    phone_party,
)
from mysessions.simulation.conversation import Routing
from mysessions.simulation.model import Call
from mysessions.simulation.parameters import update_parameters
from mysessions.simulation.topology import Service
from mysessions.simulation.world import World

IVR_S = (3.0, 15.0)
"""A call's time in the IVR before it reaches the queue."""
INTAKE_S = (0.5, 2.0)
"""An e-mail's or chat's time from arrival to the queue."""


class Inbound:
    def __init__(self, world: World, routing: Routing) -> None:
        self._world = world
        self._routing = routing

    def arrive(self, service: Service, modality: Modality) -> None:
        world, rng = self._world, self._world.rng
        call = Call(
            session_id=world.ids.session_id(),
            tenant_id=service.tenant_id,
            direction="inbound",
            modality=modality,
            customer=self._customer(modality),
            started_at=world.clock.now,
            impatient=modality != "email" and rng.random() < world.config.caller.abandon,
        )
        world.emit(
            SessionStarted(
                **world.common(call),
                direction="inbound",
                modality=modality,
                service_id=service.service_id,
                service_name=service.name,
                caller=call.customer,
            )
        )
        if modality == "email":
            subject = email_subject(rng)
            world.emit(
                EmailReceived(
                    **world.common(call),
                    sender=call.customer,
                    subject=subject,
                    html_body=email_html(rng, subject, call.customer, service.name),
                    received_at=world.now(),
                )
            )
        elif modality == "chat":
            world.emit(
                ChatReceived(
                    **world.common(call),
                    sender=call.customer,
                    chat_url=chat_url(call.tenant_id, call.session_id),
                )
            )
        delay_s = rng.uniform(*(IVR_S if modality == "voice" else INTAKE_S))
        world.clock.after(delay_s, partial(self._reach_queue, call, service))

    def _customer(self, modality: Modality) -> Party:
        rng, anonymous = self._world.rng, self._world.config.caller.anonymous
        if modality == "voice":
            return phone_party(rng, anonymous)
        if modality == "chat" and rng.random() < anonymous:
            return Party(address="anonymous", address_kind="anonymous")
        return email_party(rng)

    def _reach_queue(self, call: Call, service: Service) -> None:
        world = self._world
        collected = None
        if world.rng.random() < world.config.handling.ivr_parameters:
            collected = ivr_parameters(world.rng)
        self._routing.enqueue(call, service)
        if collected is not None:  # named after the service session the call reached
            update_parameters(world, call, collected)
