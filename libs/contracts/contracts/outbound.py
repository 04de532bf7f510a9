"""Outbound calls an agent places, from dialing to the destination's answer."""

from typing import Literal

from pydantic import Field

from contracts.base import Event, Identifier
from contracts.parties import Party


class OutboundEvent(Event):
    """Fields of every event about one outbound attempt by one agent."""

    user_session_id: Identifier
    user_id: Identifier
    service_session_id: Identifier | None = Field(
        default=None, description="The agent's outbound service session, where known."
    )


class OutboundDialing(OutboundEvent):
    type: Literal["outbound.dialing"] = "outbound.dialing"
    service_id: Identifier
    destination: Party


class OutboundRinging(OutboundEvent):
    """The destination's phone rings."""

    type: Literal["outbound.ringing"] = "outbound.ringing"


class OutboundDestinationAccepted(OutboundEvent):
    type: Literal["outbound.destination_accepted"] = "outbound.destination_accepted"


class OutboundDestinationDeclined(OutboundEvent):
    type: Literal["outbound.destination_declined"] = "outbound.destination_declined"


class OutboundDestinationNotReached(OutboundEvent):
    type: Literal["outbound.destination_not_reached"] = "outbound.destination_not_reached"


class OutboundNotAccepted(OutboundEvent):
    """The call never left: the agent's side did not take it (the agent declined it, it
    timed out, or the platform sent an error such as busy or offline)."""

    type: Literal["outbound.not_accepted"] = "outbound.not_accepted"
    reason: Literal["declined", "busy", "offline", "timeout", "error"]


class OutboundUserAborted(OutboundEvent):
    """The agent hung up before the destination answered."""

    type: Literal["outbound.user_aborted"] = "outbound.user_aborted"
