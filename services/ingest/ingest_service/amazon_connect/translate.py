"""Amazon Connect -> session events, statelessly.

Each *contact* is a session and its one service session (``contactId``): a transfer makes
a new contact, so the old contact's session gets ``session.transferred`` when the new one
is ``INITIATED`` with ``previousContactId``. A contact offered to an agent is the user
session ``<contactId>:<agent id>``. Contact events (EventBridge, ``detail``) give the queue,
the answer and the end; the agent event stream gives the offer (``CONNECTING``) and the
agent's miss (``MISSED``) or refusal (``REJECTED``). Ids are uuid5 of what happened (the
contact, the agent, the step), not of the delivery, so the same fact from both streams, or
delivered twice, has one id and ingest keeps the first. See README "Amazon Connect".
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from contracts import (
    Party,
    SessionAbandoned,
    SessionEnded,
    SessionEvent,
    SessionQueued,
    SessionStarted,
    SessionTransferred,
    TaskAccepted,
    TaskDeclined,
    TaskOffered,
    TaskRingNoAnswer,
    TransferTarget,
)

from ingest_service.amazon_connect.keys import (
    InvalidConnectEvent,
    get,
    instant,
    resource_id,
    text,
)
from ingest_service.queue_log.caller import ANONYMOUS, caller_party
from ingest_service.queue_log.identifiers import fit, is_identifier, safe_identifier

NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mysessions:ingest:amazon-connect")

ENDED_BY: Final[dict[str, Literal["caller", "agent", "system"]]] = {
    "CUSTOMER_DISCONNECT": "caller",
    "AGENT_DISCONNECT": "agent",
}
AGENT_STATES: Final = {
    "CONNECTING": TaskOffered,
    "INCOMING": TaskOffered,
    "CONNECTED": TaskAccepted,
    "MISSED": TaskRingNoAnswer,
    "ERROR": TaskRingNoAnswer,
    "REJECTED": TaskDeclined,
}

__all__ = [
    "ConnectOptions",
    "InvalidConnectEvent",
    "translate_agent_event",
    "translate_contact_event",
]


@dataclass(frozen=True)
class ConnectOptions:
    tenant_id: str
    agents: Mapping[str, str] = field(default_factory=dict)
    """Agent ARN or agent id -> user id; default: the agent id."""
    queues: Mapping[str, str] = field(default_factory=dict)
    """Queue ARN or queue id -> service id; default: the queue id."""

    def user_id(self, agent_arn: str) -> str:
        agent = resource_id(agent_arn)
        mapped = self.agents.get(agent_arn) or self.agents.get(agent)
        return mapped or safe_identifier(agent, lower=True, fallback="agent")

    def service_id(self, queue_arn: str) -> str:
        queue = resource_id(queue_arn)
        mapped = self.queues.get(queue_arn) or self.queues.get(queue)
        return mapped or safe_identifier(queue, lower=True, fallback="queue")


def _contact_id(obj: object, *path: str) -> str:
    value = text(obj, *path)
    if not value:
        raise InvalidConnectEvent(f"{'.'.join(path)}: missing")
    if not is_identifier(value):
        raise InvalidConnectEvent(f"{'.'.join(path)}: not an identifier")
    return value


class _Out:
    def __init__(self, options: ConnectOptions, session_id: str) -> None:
        self.options = options
        self.session_id = session_id
        self.events: list[SessionEvent] = []

    def base(self, at: datetime, *fact: str) -> dict[str, object]:
        return {
            "event_id": uuid.uuid5(NAMESPACE, "\x1f".join((self.options.tenant_id, *fact))),
            "occurred_at": at,
            "tenant_id": self.options.tenant_id,
            "session_id": self.session_id,
        }


def _caller(detail: object) -> Party:
    """Contact events name the customer only where the rule includes the endpoint."""
    endpoint = get(detail, "customerEndpoint")
    if text(endpoint, "type").upper() == "TELEPHONE_NUMBER":
        return caller_party(text(endpoint, "address"))
    return ANONYMOUS


def _when(detail: object, envelope: object, *path: str) -> datetime:
    at = instant(detail, *path) or instant(envelope, "time")
    if at is None:
        raise InvalidConnectEvent(f"{'.'.join(path)}: missing")
    return at


def translate_contact_event(options: ConnectOptions, envelope: object) -> list[SessionEvent]:
    """One EventBridge "Amazon Connect Contact Event"; [] for types we do not map."""
    detail = get(envelope, "detail")
    event_type = text(detail, "eventType").upper()
    if event_type not in ("INITIATED", "QUEUED", "CONNECTED_TO_AGENT", "DISCONNECTED"):
        return []
    contact = _contact_id(detail, "contactId")
    out = _Out(options, contact)
    if event_type == "INITIATED":
        previous = text(detail, "previousContactId")
        method = text(detail, "initiationMethod").upper()
        if previous and method in ("TRANSFER", "QUEUE_TRANSFER"):
            _contact_id(detail, "previousContactId")
            moved = _Out(options, previous)
            moved.events.append(
                SessionTransferred.model_validate(
                    {
                        **moved.base(
                            _when(detail, envelope, "initiationTimestamp"), previous, "transferred"
                        ),
                        "service_session_id": previous,
                        "target": TransferTarget(kind="unknown"),
                    }
                )
            )
            return moved.events
        return []
    if event_type == "QUEUED":
        queue_arn = text(detail, "queueInfo", "queueArn")
        if not queue_arn:
            raise InvalidConnectEvent("queueInfo.queueArn: missing")
        at = _when(detail, envelope, "queueInfo", "enqueueTimestamp")
        service_id = options.service_id(queue_arn)
        service = {"service_id": service_id, "service_name": resource_id(queue_arn)[:256]}
        out.events.append(
            SessionStarted.model_validate(
                {
                    **out.base(at, contact, "started"),
                    "direction": "inbound",
                    "modality": "voice",
                    "caller": _caller(detail),
                    "service_session_id": contact,
                    **service,
                }
            )
        )
        out.events.append(
            SessionQueued.model_validate(
                {**out.base(at, contact, "queued"), "service_session_id": contact, **service}
            )
        )
    elif event_type == "CONNECTED_TO_AGENT":
        agent_arn = text(detail, "agentInfo", "agentArn")
        if not agent_arn:
            raise InvalidConnectEvent("agentInfo.agentArn: missing")
        at = _when(detail, envelope, "agentInfo", "connectedToAgentTimestamp")
        out.events.append(_task(out, TaskAccepted, contact, agent_arn, at))
    else:
        at = _when(detail, envelope, "disconnectTimestamp")
        if get(detail, "agentInfo") is None and get(detail, "queueInfo") is not None:
            out.events.append(
                SessionAbandoned.model_validate(
                    {**out.base(at, contact, "abandoned"), "service_session_id": contact}
                )
            )
        reason = text(detail, "disconnectReason").upper()
        out.events.append(
            SessionEnded.model_validate(
                {
                    **out.base(at, contact, "ended"),
                    "ended_by": ENDED_BY.get(reason, "caller" if not reason else "system"),
                    "reason": "normal",
                    "service_session_id": contact,
                }
            )
        )
    return out.events


def _task(out: _Out, kind: type[Any], contact: str, agent_arn: str, at: datetime) -> SessionEvent:
    user = out.options.user_id(agent_arn)
    fields: dict[str, object] = {
        **out.base(at, contact, resource_id(agent_arn), kind.__name__),
        "service_session_id": contact,
        "user_session_id": fit(f"{contact}:{user}"),
        "user_id": user,
    }
    return kind.model_validate(fields)  # type: ignore[no-any-return]


def translate_agent_event(options: ConnectOptions, agent_event: object) -> list[SessionEvent]:
    """One agent event stream record: each contact of the agent's current snapshot, in the
    state it is in now (a snapshot repeats states; their ids repeat too)."""
    if text(agent_event, "EventType").upper() != "STATE_CHANGE":
        return []
    agent_arn = text(agent_event, "AgentARN")
    if not agent_arn:
        raise InvalidConnectEvent("AgentARN: missing")
    contacts = get(agent_event, "CurrentAgentSnapshot", "Contacts")
    events: list[SessionEvent] = []
    for index, contact_obj in enumerate(contacts if isinstance(contacts, list) else []):
        state = text(contact_obj, "State").upper()
        kind = AGENT_STATES.get(state)
        if kind is None:
            continue
        contact = _contact_id(contact_obj, "ContactId")
        when = "ConnectedToAgentTimestamp" if kind is TaskAccepted else "StateStartTimestamp"
        at = instant(contact_obj, when) or instant(contact_obj, "StateStartTimestamp")
        if at is None:
            raise InvalidConnectEvent(f"Contacts.{index}.StateStartTimestamp: missing")
        out = _Out(options, contact)
        if kind is TaskOffered:
            queue_arn = text(contact_obj, "Queue", "ARN")
            user = options.user_id(agent_arn)
            events.append(
                TaskOffered.model_validate(
                    {
                        **out.base(at, contact, resource_id(agent_arn), "TaskOffered"),
                        "service_session_id": contact,
                        "user_session_id": fit(f"{contact}:{user}"),
                        "user_id": user,
                        "service_id": options.service_id(queue_arn) if queue_arn else "unknown",
                    }
                )
            )
        else:
            events.append(_task(out, kind, contact, agent_arn, at))
    return events
