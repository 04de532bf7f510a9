"""One agent's morning, as upstream events: the shared scenario of the pipeline tests."""

from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict
from uuid import NAMESPACE_URL, UUID, uuid5

import contracts as c

TENANT = "tenant-q"
AGENT = "agent-1"
CALLER_NUMBER = "+15550100001"


class _Common(TypedDict):
    event_id: UUID
    occurred_at: datetime
    tenant_id: str
    session_id: str


class Session:
    def __init__(self, session_id: str, t0: datetime) -> None:
        self.session_id = session_id
        self.t0 = t0
        self.events: list[c.SessionEvent] = []

    def _common(self, seconds: float) -> _Common:
        n = len(self.events)
        return _Common(
            event_id=uuid5(NAMESPACE_URL, f"{self.session_id}/{n}"),
            occurred_at=self.t0 + timedelta(seconds=seconds),
            tenant_id=TENANT,
            session_id=self.session_id,
        )

    def add(self, model: type[c.SessionEvent], seconds: float, **fields: Any) -> "Session":
        self.events.append(model(**self._common(seconds), **fields))
        return self

    def inbound(
        self, service: str, priority: int, modality: str = "voice", *, anonymous: bool = False
    ) -> "Session":
        caller = (
            c.Party(address="anonymous", address_kind="anonymous")
            if anonymous
            else c.Party(address=CALLER_NUMBER, address_kind="pstn")
        )
        self.add(
            c.SessionStarted,
            0,
            direction="inbound",
            modality=modality,
            service_id=service,
            service_name=service.title(),
            caller=caller,
        )
        return self.add(
            c.SessionQueued,
            0,
            service_session_id=f"{self.session_id}:1",
            service_id=service,
            service_name=service.title(),
            priority=priority,
        )

    def task(self, model: type[c.SessionEvent], seconds: float, **fields: object) -> "Session":
        return self.add(
            model,
            seconds,
            service_session_id=f"{self.session_id}:1",
            user_session_id=f"{self.session_id}:1:{AGENT}",
            user_id=AGENT,
            **fields,
        )


def morning(t0: datetime | None = None) -> list[Session]:
    """Six sessions; their expected order on the agent's list is the order returned."""
    t0 = t0 or datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    return [
        # incoming, urgent service first; the caller withheld their number
        Session("s-c", t0 + timedelta(minutes=20))
        .inbound("vip", priority=5, anonymous=True)
        .task(c.TaskOffered, 5, service_id="vip"),
        # incoming, normal service, waiting longer
        Session("s-d", t0 + timedelta(minutes=10))
        .inbound("support", priority=1)
        .task(c.TaskOffered, 600, service_id="support"),
        # connected: outbound call answered (connected first)
        Session("s-e", t0 + timedelta(minutes=12))
        .add(
            c.SessionStarted,
            0,
            direction="outbound",
            modality="voice",
            service_id="sales",
            service_name="Sales",
            caller=c.Party(address="+15550109999", address_kind="pstn", display_name="Bob"),
        )
        .add(
            c.OutboundDialing,
            0,
            user_session_id="s-e:out",
            user_id=AGENT,
            service_id="sales",
            destination=c.Party(address="+15550109999", address_kind="pstn"),
        )
        .add(c.OutboundRinging, 3, user_session_id="s-e:out", user_id=AGENT)
        .add(c.OutboundDestinationAccepted, 9, user_session_id="s-e:out", user_id=AGENT),
        # connected: an e-mail accepted later
        Session("s-f", t0 + timedelta(minutes=15))
        .inbound("support", 1, modality="email")
        .add(
            c.EmailReceived,
            0,
            sender=c.Party(address="ann@example.com", address_kind="email"),
            subject="Invoice 42",
            html_body="<p>Hello, my invoice</p>",
            received_at=t0 + timedelta(minutes=15),
        )
        .task(c.TaskOffered, 2, service_id="support")
        .task(c.TaskAccepted, 4),
        # history, newest first: a RONA ...
        Session("s-b", t0 + timedelta(minutes=5))
        .inbound("support", 1)
        .task(c.TaskOffered, 20, service_id="support")
        .task(c.TaskRingNoAnswer, 35),
        # ... and an answered call that ended before it
        Session("s-a", t0)
        .inbound("support", 1)
        .task(c.TaskOffered, 20, service_id="support")
        .task(c.TaskAccepted, 26)
        .add(c.SessionEnded, 326, ended_by="caller", reason="normal"),
    ]
