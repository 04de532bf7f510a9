"""Calls as upstream events for the page's tests, stamped with real time as they happen."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import contracts as c
from integration.scenario import AGENT, Session


def seconds_since(t0: datetime) -> float:
    return (datetime.now(UTC) - t0).total_seconds()


class LiveCall:
    """An inbound call to the agent whose events are made at the moment they happen."""

    def __init__(self, session_id: str, service: str = "support", modality: str = "voice"):
        self.t0 = datetime.now(UTC)
        self.session = Session(session_id, self.t0)
        self.session_id = session_id
        self.user_session_id = f"{session_id}:1:{AGENT}"
        self.service = service
        self.modality = modality

    def _new(self, before: int) -> list[c.SessionEvent]:
        return self.session.events[before:]

    def arrives(self) -> list[c.SessionEvent]:
        before = len(self.session.events)
        self.session.inbound(self.service, 1, self.modality)
        self.session.task(c.TaskOffered, seconds_since(self.t0), service_id=self.service)
        return self._new(before)

    def accepted(self) -> list[c.SessionEvent]:
        before = len(self.session.events)
        self.session.task(c.TaskAccepted, seconds_since(self.t0))
        return self._new(before)

    def ends(self) -> list[c.SessionEvent]:
        before = len(self.session.events)
        self.session.add(c.SessionEnded, seconds_since(self.t0), ended_by="caller", reason="normal")
        return self._new(before)


def ended_call(session_id: str, t0: datetime, service: str = "support") -> list[c.SessionEvent]:
    """A call answered and finished long ago: one history entry, open for work."""
    return (
        Session(session_id, t0)
        .inbound(service, 1)
        .task(c.TaskOffered, 5, service_id=service)
        .task(c.TaskAccepted, 12)
        .add(c.SessionEnded, 200, ended_by="caller", reason="normal")
        .events
    )


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


def caption(
    call: LiveCall, segment: int, speaker: str, text: str, *, final: bool = True
) -> c.TranscriptSegment:
    """One live caption of the call (a recognizer's utterance)."""
    start = segment * 4000
    return c.TranscriptSegment(
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        tenant_id=call.session.events[0].tenant_id,
        session_id=call.session_id,
        service_session_id=f"{call.session_id}:1",
        user_session_id=call.user_session_id,
        segment_id=f"seg-{segment}",
        speaker=speaker,  # type: ignore[arg-type]
        start_ms=start,
        end_ms=start + 3000,
        text=text,
        final=final,
    )


ANN = c.Party(address="ann@example.com", address_kind="email", display_name="Ann Lee")


def email_arrives(
    call: LiveCall, subject: str, html: str, sender: c.Party = ANN
) -> list[c.SessionEvent]:
    """An e-mail task's events: the session, its mail, the offer (``call`` of e-mail)."""
    before = len(call.session.events)
    _started_by(call, "email", sender)
    call.session.add(
        c.EmailReceived,
        seconds_since(call.t0),
        sender=sender,
        subject=subject,
        html_body=html,
        received_at=datetime.now(UTC),
    )
    call.session.task(c.TaskOffered, seconds_since(call.t0), service_id=call.service)
    return call.session.events[before:]


def chat_arrives(call: LiveCall, chat_url: str) -> list[c.SessionEvent]:
    """A chat task's events: the session, its chat (by its link), the offer."""
    before = len(call.session.events)
    bo = c.Party(address="bo@example.com", address_kind="email", display_name="Bo Chen")
    _started_by(call, "chat", bo)
    call.session.add(c.ChatReceived, seconds_since(call.t0), sender=bo, chat_url=chat_url)
    call.session.task(c.TaskOffered, seconds_since(call.t0), service_id=call.service)
    return call.session.events[before:]


def _started_by(call: LiveCall, modality: str, sender: c.Party) -> None:
    """An inbound session whose caller is the mail's or chat's sender, queued in its service."""
    name = call.service.title()
    call.session.add(
        c.SessionStarted,
        0,
        direction="inbound",
        modality=modality,
        service_id=call.service,
        service_name=name,
        caller=sender,
    )
    call.session.add(
        c.SessionQueued,
        0,
        service_session_id=f"{call.session_id}:1",
        service_id=call.service,
        service_name=name,
        priority=1,
    )


def parameters_set(call: LiveCall, values: dict[str, str]) -> list[c.SessionEvent]:
    """Upstream sets custom parameters in the call's service session."""
    before = len(call.session.events)
    call.session.add(
        c.CustomParametersUpdated,
        seconds_since(call.t0),
        service_session_id=f"{call.session_id}:1",
        parameters=values,
    )
    return call.session.events[before:]
