"""mod_callcenter's events -> session events, one call's state at a time (pure, no I/O).

The caller's channel (``CC-Member-Session-UUID``) is the session; each stay in a queue (a
mod_callcenter *member*, ``CC-Member-UUID``) is a service session; each ``agent-offering``
is one user session ``<member uuid>:<user>:<n>``. Every event's instant is its own
``Event-Date-Timestamp``; mod_callcenter's ``CC-*-Time`` headers stand in for an event that
was never seen (a bridge that started after the offer). See README "FreeSWITCH
mod_callcenter" for the mapping table.
"""

from dataclasses import dataclass, field
from typing import Literal

from contracts import (
    SessionEvent,
    TaskAccepted,
    TaskDeclined,
    TaskRescinded,
    TaskRingNoAnswer,
    TransferTarget,
)

from ingest_service.freeswitch.emit import Emitted
from ingest_service.freeswitch.esl import EslEvent
from ingest_service.freeswitch.fields import epoch_seconds, event_key, fired_at, required
from ingest_service.freeswitch.mapping import FreeSwitchOptions
from ingest_service.freeswitch.state import CallState, Member, Offer
from ingest_service.queue_log.caller import caller_party
from ingest_service.queue_log.identifiers import fit

CALLCENTER = "callcenter::info"
HANGUP = "CHANNEL_HANGUP_COMPLETE"

DECLINED_CAUSES = frozenset({"CALL_REJECTED", "USER_BUSY"})
"""The agent's phone said no: 603 Decline is CALL_REJECTED, and most desk phones' reject
button answers 486 Busy Here (USER_BUSY); mod_callcenter counts neither as a no-answer."""
RESCINDED_CAUSES = frozenset({"LOSE_RACE"})
"""ring-all: another agent answered first."""
CALLER_CAUSES = frozenset({"ORIGINATOR_CANCEL"})
"""The caller's leg stopped the ringing; its member-queue-end (or hang-up) says why, and the
who-ended rule gives the ringing task its outcome (abandoned: Cancelled; timeout: RONA)."""

ABANDONED_REASONS = frozenset({"NONE", "BREAK_OUT", "EXIT_WITH_KEY"})
EXIT_REASONS: dict[str, Literal["timeout", "empty"]] = {
    "TIMEOUT": "timeout",
    "NO_AGENT_TIMEOUT": "empty",
}


@dataclass
class Translation:
    state: CallState | None
    """None: nothing to store (an event of no call we follow)."""
    events: list[SessionEvent] = field(default_factory=list)
    skipped: str | None = None
    """Why nothing was done, for the bridge's counts (a kind, never a value)."""


def session_of(event: EslEvent) -> str | None:
    """The call an event belongs to: mod_callcenter names the caller's channel; a hang-up
    names its own channel (the caller's, if it is one we follow)."""
    if event.get("Event-Subclass") == CALLCENTER:
        return event.get("CC-Member-Session-UUID") or None
    if event.get("Event-Name") == HANGUP:
        return event.get("Unique-ID") or None
    return None


class _Call:
    def __init__(self, options: FreeSwitchOptions, state: CallState, event: EslEvent) -> None:
        self.options = options
        self.state = state
        self.event = event
        self.at = fired_at(event)
        self.out = Emitted(options.tenant_id, state.session_id, event_key(event))

    def member(self) -> Member:
        """The event's member; one first heard of here starts (and queues) the call."""
        member_uuid = required(self.event, "CC-Member-UUID")
        known = self.state.member(member_uuid)
        if known is not None:
            return known
        service_id, service_name = self.options.service(required(self.event, "CC-Queue"))
        member = Member(member_uuid=member_uuid, service_id=service_id, service_name=service_name)
        joined = epoch_seconds(self.event, "CC-Member-Joined-Time") or self.at
        previous = next((m for m in reversed(self.state.members) if not m.closed), None)
        if not self.state.members:
            caller = caller_party(
                self.event.get("CC-Member-CID-Number"), self.event.get("CC-Member-CID-Name")
            )
            self.out.started(joined, member, caller)
        elif previous is not None:
            # The call moved on to another queue: a transfer (by the agent, after their
            # bridge ended; or by the dialplan or an operator, while it waited).
            target = TransferTarget(
                kind="service", service_id=member.service_id, service_name=member.service_name
            )
            self.out.transferred(previous.bridge_ended_at or joined, previous, target)
            previous.closed = True
        self.out.queued(joined, member)
        self.state.members = [*self.state.members, member]
        return member

    def offer(self, member: Member, *, announce: bool) -> Offer:
        """The agent's open offer; a new one if none (announced at the agent's call time
        when the event is a later one, e.g. a bridge whose offering was not seen)."""
        user_id = self.options.user_id(required(self.event, "CC-Agent"))
        offer = member.unannounced_offer(user_id) if announce else member.open_offer(user_id)
        if offer is not None:
            if announce:
                offer.offered = True
                self.out.offered(self.at, member, offer)
            return offer
        offers = member.offers.get(user_id, [])
        number = len(offers) + 1
        offer = Offer(
            user_id=user_id,
            user_session_id=fit(f"{member.member_uuid}:{user_id}:{number}"),
            offered=announce,
        )
        member.offers = {**member.offers, user_id: [*offers, offer]}
        called = self.at if announce else epoch_seconds(self.event, "CC-Agent-Called-Time")
        self.out.offered(called or self.at, member, offer)
        return offer

    def agent_offering(self) -> None:
        self.offer(self.member(), announce=True)

    def bridge_agent_start(self) -> None:
        member = self.member()
        offer = self.offer(member, announce=False)
        self.out.task(TaskAccepted, self.at, member, offer)
        offer.closed = True
        member.answered_by = offer.user_id

    def bridge_agent_fail(self) -> None:
        member = self.member()
        cause = self.event.get("CC-Hangup-Cause").strip().upper()
        if cause in CALLER_CAUSES:
            self.offer(member, announce=False)  # left open: the member's end closes it
            return
        offer = self.offer(member, announce=False)
        if cause in DECLINED_CAUSES:
            self.out.task(TaskDeclined, self.at, member, offer)
        elif cause in RESCINDED_CAUSES:
            self.out.task(TaskRescinded, self.at, member, offer)
        else:
            self.out.task(TaskRingNoAnswer, self.at, member, offer)
        offer.closed = True

    def bridge_agent_end(self) -> None:
        member = self.member()
        if member.bridge_ended_at is None:
            member.bridge_ended_at = self.at

    def member_queue_end(self) -> None:
        member = self.member()
        if member.closed:
            return
        cause = self.event.get("CC-Cause").strip()
        if cause == "Terminated":  # after a bridge: the hang-up or a new queue says what next
            if member.bridge_ended_at is None:
                member.bridge_ended_at = self.at
            return
        reason = self.event.get("CC-Cancel-Reason").strip().upper() or "NONE"
        caller_gone = self.event.get("Answer-State", "hangup") == "hangup"
        if reason == "EXIT_WITH_KEY" or (reason in ABANDONED_REASONS and caller_gone):
            self.out.abandoned(self.at, member)
        else:
            self.out.queue_exited(self.at, member, EXIT_REASONS.get(reason, "other"))
        member.closed = True

    def hangup(self) -> None:
        if self.state.ended or not self.state.members:
            return
        last = self.state.members[-1]
        disposition = self.event.get("variable_sip_hangup_disposition")
        ended_by: Literal["caller", "agent", "system"] = "caller"
        if disposition.startswith("send_"):
            ended_by = "agent" if last.answered_by else "system"
        # After a bridge, the call's end for its agent is the bridge's end (a survey or
        # announcement played to the caller afterwards is nobody's connected time).
        at = last.bridge_ended_at if not last.closed and last.bridge_ended_at else self.at
        self.out.ended(at, ended_by, "normal", last)
        self.state.ended = True


ACTIONS = {
    "member-queue-start": _Call.member,
    "member-queue-resume": _Call.member,
    "agent-offering": _Call.agent_offering,
    "bridge-agent-start": _Call.bridge_agent_start,
    "bridge-agent-fail": _Call.bridge_agent_fail,
    "bridge-agent-end": _Call.bridge_agent_end,
    "member-queue-end": _Call.member_queue_end,
}


def translate(options: FreeSwitchOptions, state: CallState | None, event: EslEvent) -> Translation:
    """The events this FreeSWITCH event means for its call, and the call's next state.

    Raises ``MissingField`` (a ``ValueError`` naming the header) for an event without what
    its action needs."""
    session_id = session_of(event)
    if session_id is None:
        return Translation(None, skipped="not a call event")
    is_hangup = event.get("Event-Name") == HANGUP
    if is_hangup and state is None:
        return Translation(None, skipped="hang-up of a channel we do not follow")
    action = event.get("CC-Action")
    handler = None if is_hangup else ACTIONS.get(action)
    if not is_hangup and handler is None:
        return Translation(state, skipped="callcenter action we do not map")
    current = state.model_copy(deep=True) if state else CallState(session_id=session_id)
    key = event_key(event)
    if key in current.applied:
        return Translation(state, skipped="redelivered")
    call = _Call(options, current, event)
    if current.ended:
        current.remember(key)
        return Translation(current, skipped="call already ended")
    if is_hangup:
        call.hangup()
    else:
        assert handler is not None
        handler(call)
    current.remember(key)
    return Translation(current, call.out.events)
