"""Inbound sessions: a caller reaches a service, waits, is offered to agents, ends.

A *service session* is the session's stay in one service (a transfer starts a new one); a
*user session* is one offer of a service session to one agent, the task the agent sees.
"""

import re
from typing import Literal

from pydantic import Field, model_validator

from contracts.base import Event, Identifier, Message, ShortText, UtcMillis
from contracts.parties import PSTN_PATTERN, UPN_PATTERN, Address, Party

Modality = Literal["voice", "email", "chat"]
Direction = Literal["inbound", "outbound"]


class SessionStarted(Event):
    """A customer interaction begins (inbound) or an agent starts one (outbound)."""

    type: Literal["session.started"] = "session.started"
    direction: Direction
    modality: Modality
    service_id: Identifier
    service_name: ShortText
    caller: Party = Field(description="The customer: caller, e-mail sender or chat visitor.")
    service_session_id: Identifier | None = Field(
        default=None,
        description="Session-wide: null, or the first service session where upstream knows it.",
    )


class SessionQueued(Event):
    """The session entered a service's queue: a new service session begins."""

    type: Literal["session.queued"] = "session.queued"
    service_session_id: Identifier
    service_id: Identifier
    service_name: ShortText
    priority: int = Field(default=0, ge=0, le=100, description="Higher is more urgent.")


class UserSessionEvent(Event):
    """Fields of every event about one offer to one agent."""

    service_session_id: Identifier
    user_session_id: Identifier
    user_id: Identifier


class TaskOffered(UserSessionEvent):
    """The agent's client starts ringing (or the e-mail/chat is presented)."""

    type: Literal["task.offered"] = "task.offered"
    service_id: Identifier


class TaskAccepted(UserSessionEvent):
    type: Literal["task.accepted"] = "task.accepted"


class TaskDeclined(UserSessionEvent):
    type: Literal["task.declined"] = "task.declined"


class TaskRingNoAnswer(UserSessionEvent):
    """RONA: the agent let it ring until the service took it back."""

    type: Literal["task.rona"] = "task.rona"


class TaskCancelled(UserSessionEvent):
    """The caller hung up while this agent's client was ringing."""

    type: Literal["task.cancelled"] = "task.cancelled"


class TaskRescinded(UserSessionEvent):
    """Another agent answered first, so this offer was withdrawn."""

    type: Literal["task.rescinded"] = "task.rescinded"


class SessionAbandoned(Event):
    """The caller hung up while waiting in the queue (offers still ringing end Cancelled)."""

    type: Literal["session.abandoned"] = "session.abandoned"
    service_session_id: Identifier


class SessionQueueExited(Event):
    """The system took the session out of the queue, not the caller: the queue's time limit
    (``timeout``), no agent left to serve it (``empty``), the queue was full (``full``).
    Offers still ringing end RONA."""

    type: Literal["session.queue_exited"] = "session.queue_exited"
    service_session_id: Identifier
    reason: Literal["timeout", "empty", "full", "other"]


class TransferTarget(Message):
    """Where a transfer goes: a service (a new service session follows), a user, a
    destination outside the system (``external``, e.g. a dialed number) or somewhere
    upstream did not say (``unknown``)."""

    kind: Literal["service", "user", "external", "unknown"]
    service_id: Identifier | None = None
    service_name: ShortText | None = None
    user_id: Identifier | None = None
    address: Address | None = Field(
        default=None,
        description="The external destination (a PSTN number or name@domain), if known.",
    )

    @model_validator(mode="after")
    def _names_its_target(self) -> "TransferTarget":
        if self.kind == "service" and self.service_id is None:
            raise ValueError("a transfer to a service names its service_id")
        if self.kind == "user" and self.user_id is None:
            raise ValueError("a transfer to a user names its user_id")
        if self.address is not None:
            if self.kind != "external":
                raise ValueError("only an external transfer target has an address")
            if not (re.match(PSTN_PATTERN, self.address) or re.match(UPN_PATTERN, self.address)):
                raise ValueError("an external address is a pstn number or name@domain")
        return self


class SessionTransferred(Event):
    type: Literal["session.transferred"] = "session.transferred"
    service_session_id: Identifier = Field(description="The service session being left.")
    mode: Literal["blind", "attended"] = "blind"
    target: TransferTarget


class SessionEnded(Event):
    """The interaction is over; every live task of the session ends with it."""

    type: Literal["session.ended"] = "session.ended"
    ended_by: Literal["caller", "agent", "system"]
    reason: ShortText = "normal"
    service_session_id: Identifier | None = Field(
        default=None,
        description="The service session the session was in when it ended, where known.",
    )


class SessionExpired(Event):
    """Written by the queue watchdog, not upstream: the session had no event for too long,
    so its live tasks are closed with reason ``expired`` and marked as inferred. Being an
    event in the log, it makes a rebuild reach the same state as the live system. It is a
    guess: a ``session.ended`` of the same session, even a later one, wins over it."""

    type: Literal["session.expired"] = "session.expired"
    idle_since: UtcMillis = Field(description="Time of the last event the watchdog saw.")
    service_session_id: Identifier | None = Field(
        default=None,
        description="Session-wide: the watchdog closes every service session of the session.",
    )
