"""Asterisk AMI queue events to session events, one event and one call's state at a time.

Pure: the caller loads the call's :class:`CallState` (by :meth:`AmiTranslator.call_of`),
passes the message and the instant it arrived, and stores the state it gets back. The
same ids as the queue_log adapter: sessions by call, users by member name or interface
through the same mapping (``PJSIP/1001`` -> ``pjsip-1001``), user sessions
``<session>:<user>:<n>``, service sessions ``<session>:<n>``. A call is its ``Linkedid``
(the caller channel's ``Uniqueid`` when the call came in); a member leg is its
``DestUniqueid``.

==================  ==================================================================
AMI event           session events
==================  ==================================================================
QueueCallerJoin     session.started (first queue of the call; caller from CallerIDNum,
                    CallerIDName) + session.queued (service session ``<session>:<n>``)
AgentCalled         task.offered: the agent's phone rings
DialEnd             nothing; DialStatus BUSY marks the leg declined (a busy or declining
                    phone), read by the AgentRingNoAnswer that follows
AgentRingNoAnswer   task.declined after DialEnd BUSY, else task.rona (ring timeout)
AgentDump           task.declined: the agent hung up on the caller before the bridge
AgentConnect        task.accepted; other legs still ringing: task.rescinded
QueueCallerLeave    nothing: the caller leaves the queue *before* AgentConnect too; an
                    exit without an answer is told by the next QueueCallerJoin or Hangup
                    (session.queue_exited ``other`` at the leave)
QueueCallerAbandon  session.abandoned + session.ended (caller, ``abandon``)
AgentComplete       Reason caller/agent: session.ended (``completecaller``/
                    ``completeagent``); Reason transfer: nothing (the transfer event tells)
BlindTransfer       session.transferred (blind; target from Extension@Context)
AttendedTransfer    session.transferred (attended; TransferTargetChannel resolved like
                    queue_log's LINK channels: a mapped agent, a Local extension)
Hangup              of the caller's channel, when nothing else ended the session:
                    session.ended (system, ``hangup``), after session.queue_exited when
                    the caller had left the queue unanswered
==================  ==================================================================

Instants: an event's ``Timestamp`` when Asterisk stamps events (``timestampevents``).
Without it, instants come from Asterisk's own durations wherever the event carries one,
anchored at the call's earlier instants: answered = queued + HoldTime, RONA = offered +
RingTime, abandoned = queued + HoldTime, completed = answered + TalkTime. Only the join,
the offer, a dial end, a transfer and a hangup are placed at their arrival, having no
duration to anchor them. A late or replayed delivery therefore keeps the timers right.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from contracts import (
    SessionEvent,
    TaskAccepted,
    TaskDeclined,
    TaskRescinded,
    TaskRingNoAnswer,
    TransferTarget,
    explain,
)
from pydantic import ValidationError

from ingest_service.ami import fields
from ingest_service.ami.events import CallEvents, EndedBy
from ingest_service.ami.fields import AmiFieldError
from ingest_service.ami.frames import AmiMessage
from ingest_service.ami.state import CallState, Leg, Visit
from ingest_service.queue_log.caller import caller_party
from ingest_service.queue_log.identifiers import fit, safe_identifier
from ingest_service.queue_log.mapping import QueueLogOptions
from ingest_service.queue_log.targets import extension_target, linked_target

TOLERANCE: Final = timedelta(seconds=1)

Handler = Callable[[AmiMessage, CallState | None, datetime], CallState | None]

_LINKEDID_FIELDS: Final = {
    "BlindTransfer": ("TransfereeLinkedid", "TransfererLinkedid"),
    "AttendedTransfer": ("TransfereeLinkedid", "OrigTransfererLinkedid"),
}


@dataclass(frozen=True)
class Translation:
    events: list[SessionEvent]
    state: CallState | None
    """The call's state to store; None when the message changed nothing."""


class AmiTranslator:
    """``counts``: translated events by name; ``warnings``: events that do not fit what came
    before; ``errors``: malformed events by ``event.field``. Never holds values."""

    def __init__(self, options: QueueLogOptions) -> None:
        self.options = options
        self.counts: dict[str, int] = {}
        self.warnings: dict[str, int] = {}
        self.errors: dict[str, int] = {}
        self.last_error: str | None = None
        self._handlers: dict[str, Handler] = {
            "QueueCallerJoin": self._join,
            "AgentCalled": self._called,
            "DialEnd": self._dial_end,
            "AgentRingNoAnswer": self._ring_no_answer,
            "AgentDump": self._dump,
            "AgentConnect": self._connect,
            "QueueCallerLeave": self._leave,
            "QueueCallerAbandon": self._abandon,
            "AgentComplete": self._complete,
            "BlindTransfer": self._blind_transfer,
            "AttendedTransfer": self._attended_transfer,
            "Hangup": self._hangup,
        }
        self._out: CallEvents | None = None

    def handles(self, message: AmiMessage) -> bool:
        return message.event in self._handlers

    def call_of(self, message: AmiMessage) -> str | None:
        """The Linkedid a handled event is about; None for other messages or without one."""
        if not self.handles(message):
            return None
        for name in _LINKEDID_FIELDS.get(message.event, ("Linkedid",)):
            value = message.get(name).strip()
            if value:
                return value
        return None

    def translate(
        self, message: AmiMessage, state: CallState | None, arrived_at: datetime
    ) -> Translation:
        handler = self._handlers.get(message.event)
        if handler is None:
            return Translation([], None)
        self._out = None
        try:
            at = fields.timestamp(message) or arrived_at
            new_state = handler(message, state, at)
        except AmiFieldError as error:
            _bump(self.errors, f"{error.event}.{error.field_name}")
            self.last_error = str(error)
            return Translation([], None)
        except ValidationError as error:  # a bug, not input: every id is made safe first
            _bump(self.errors, f"{message.event}.invalid-event")
            self.last_error = f"AMI {message.event} produced an invalid event ({explain(error)})"
            return Translation([], None)
        events: list[SessionEvent] = self._out.events if self._out is not None else []
        if events:
            _bump(self.counts, message.event)
        return Translation(events, new_state)

    # -- handlers ------------------------------------------------------------------------

    def _join(self, m: AmiMessage, call: CallState | None, at: datetime) -> CallState | None:
        linkedid, uniqueid = fields.text(m, "Linkedid"), fields.text(m, "Uniqueid")
        queue = fields.text(m, "Queue")
        starts = call is None or call.ended
        if call is None or call.ended:
            incarnation = 1 if call is None else call.incarnation + 1
            if call is not None:
                self._warn("joined_after_end")
            session_id = safe_identifier(linkedid, fallback="call")
            if incarnation > 1:
                session_id = fit(f"{session_id}-r{incarnation}")
            call = CallState(session_id, uniqueid, incarnation=incarnation)
        service_id, service_name = self.options.service(queue)
        previous = call.open_visit()
        if previous is not None and not previous.left and previous.service_id == service_id:
            self._warn("joined_twice")  # one channel waits in one queue once: a redelivery
            return None
        out = self._events(call)
        if previous is not None:
            self._close_unanswered(call, previous, at, out)
        call.visits += 1
        visit = Visit(fit(f"{call.session_id}:{call.visits}"), service_id, service_name, at)
        call.visit = visit
        if starts:
            number, name = m.get("CallerIDNum"), m.get("CallerIDName")
            out.started(at, visit, caller_party(_unknown_is_empty(number), name))
        out.queued(at, visit)
        return call

    def _called(self, m: AmiMessage, call: CallState | None, at: datetime) -> CallState | None:
        dest = fields.text(m, "DestUniqueid")
        user_id = self._user(m)
        found = self._visit(call)
        if found is None:
            return None
        call, visit = found
        if dest in call.legs:
            self._warn("agent_called_twice")  # a redelivery: offered already
            return None
        self._offer(call, visit, dest, user_id, max(at, visit.queued_at))
        return call

    def _dial_end(self, m: AmiMessage, call: CallState | None, at: datetime) -> CallState | None:
        leg = call.legs.get(m.get("DestUniqueid").strip()) if call is not None else None
        if call is None or leg is None:
            return None  # a dial that is no queue's offer
        if fields.text(m, "DialStatus").upper() == "BUSY" and leg.status == "ringing":
            leg.status = "busy"
            return call
        return None

    def _ring_no_answer(
        self, m: AmiMessage, call: CallState | None, at: datetime
    ) -> CallState | None:
        rang = fields.milliseconds(m, "RingTime")
        stamped = fields.timestamp(m) is not None
        found = self._leg(m, call, lambda: at - rang)
        if found is None:
            return None
        call, visit, leg = found
        ended_at = at if stamped else leg.offered_at + rang
        outcome = TaskDeclined if leg.status == "busy" else TaskRingNoAnswer
        self._outcome(call, visit, leg, max(ended_at, leg.offered_at), outcome)
        return call

    def _dump(self, m: AmiMessage, call: CallState | None, at: datetime) -> CallState | None:
        found = self._leg(m, call, lambda: at)
        if found is None:
            return None
        call, visit, leg = found
        self._outcome(call, visit, leg, max(at, leg.offered_at), TaskDeclined)
        return call

    def _connect(self, m: AmiMessage, call: CallState | None, at: datetime) -> CallState | None:
        held, rang = fields.seconds(m, "HoldTime"), fields.seconds(m, "RingTime")
        stamped = fields.timestamp(m) is not None
        visit_found = self._visit(call)
        if visit_found is None:
            return None
        answered = at if stamped else visit_found[1].queued_at + held
        found = self._leg(m, call, lambda: answered - rang)
        if found is None:
            return None
        call, visit, leg = found
        if stamped:
            self._check(visit.queued_at + held, at, "holdtime_mismatch")
        answered = max(answered, leg.offered_at)
        self._outcome(call, visit, leg, answered, TaskAccepted)
        visit.accepted_at = answered
        visit.left = True
        for _, other in call.ringing():
            self._outcome(call, visit, other, answered, TaskRescinded)
        return call

    def _leave(self, m: AmiMessage, call: CallState | None, at: datetime) -> CallState | None:
        found = self._visit(call)
        if found is None:
            return None
        call, visit = found
        visit.left, visit.left_at = True, at
        return call

    def _abandon(self, m: AmiMessage, call: CallState | None, at: datetime) -> CallState | None:
        held = fields.seconds(m, "HoldTime")
        found = self._visit(call)
        if found is None:
            return None
        call, visit = found
        stamped = fields.timestamp(m) is not None
        gone_at = at if stamped else visit.queued_at + held
        out = self._events(call)
        out.abandoned(gone_at, visit)
        out.ended(gone_at, "caller", "abandon", visit)
        _end(call)
        return call

    def _complete(self, m: AmiMessage, call: CallState | None, at: datetime) -> CallState | None:
        talked = fields.seconds(m, "TalkTime")
        reason = fields.text(m, "Reason").lower()
        if call is None or call.ended or call.visit is None or call.visit.accepted_at is None:
            self._warn("complete_without_connect")
            return None
        visit = call.visit
        if reason == "transfer":
            return None  # BlindTransfer / AttendedTransfer said where it went
        assert visit.accepted_at is not None
        stamped = fields.timestamp(m) is not None
        ended_at = at if stamped else visit.accepted_at + talked
        ended_by: EndedBy = "agent" if reason == "agent" else "caller"
        self._events(call).ended(ended_at, ended_by, f"complete{ended_by}", visit)
        _end(call)
        return call

    def _blind_transfer(
        self, m: AmiMessage, call: CallState | None, at: datetime
    ) -> CallState | None:
        if m.get("Result").strip().casefold() != "success":
            return None
        extension, context = fields.text(m, "Extension"), m.get("Context").strip()
        target = extension_target(self.options, extension, context)
        return self._transferred(call, at, "blind", target)

    def _attended_transfer(
        self, m: AmiMessage, call: CallState | None, at: datetime
    ) -> CallState | None:
        if m.get("Result").strip().casefold() != "success":
            return None
        channel = m.get("TransferTargetChannel").strip()
        target = linked_target(self.options, (channel,)) or TransferTarget(kind="unknown")
        return self._transferred(call, at, "attended", target)

    def _hangup(self, m: AmiMessage, call: CallState | None, at: datetime) -> CallState | None:
        if call is None or call.ended or m.get("Uniqueid").strip() != call.caller_uniqueid:
            return None  # a member leg, another channel of the call, or over already
        out = self._events(call)
        visit = call.open_visit()
        if visit is not None and visit.accepted_at is None and visit.left:
            self._close_unanswered(call, visit, at, out)
        elif visit is not None and visit.accepted_at is None:
            self._warn("hangup_in_queue_without_abandon")
            out.abandoned(at, visit)
            out.ended(at, "caller", "hangup", visit)
            _end(call)
            return call
        out.ended(at, "system", "hangup", call.visit)
        _end(call)
        return call

    # -- helpers -------------------------------------------------------------------------

    def _transferred(
        self,
        call: CallState | None,
        at: datetime,
        mode: Literal["blind", "attended"],
        target: TransferTarget,
    ) -> CallState | None:
        found = self._visit(call)
        if found is None or found[1].accepted_at is None:
            self._warn("transfer_without_connect")
            return None
        call, visit = found
        self._events(call).transferred(at, visit, mode, target)
        visit.open = False
        return call

    def _close_unanswered(
        self, call: CallState, visit: Visit, at: datetime, out: CallEvents
    ) -> None:
        """The caller left the queue unanswered (timeout, a key, an empty queue): AMI does
        not say which, so ``other``; at the leave when it was seen."""
        if visit.accepted_at is None:
            if not visit.left:
                self._warn("rejoined_while_queued")
            out.queue_exited(visit.left_at or at, visit, "other")
        visit.open = False
        for _, leg in call.ringing():
            leg.status = "done"

    def _offer(
        self, call: CallState, visit: Visit, dest: str, user_id: str, offered_at: datetime
    ) -> Leg:
        offers = call.offers.get(user_id, 0) + 1
        call.offers[user_id] = offers
        leg = Leg(user_id, fit(f"{call.session_id}:{user_id}:{offers}"), offered_at)
        call.add_leg(dest, leg)
        self._events(call).offered(visit, leg)
        return leg

    def _leg(
        self, m: AmiMessage, call: CallState | None, offered_guess: Callable[[], datetime]
    ) -> tuple[CallState, Visit, Leg] | None:
        """The member leg an outcome is about. A leg never offered (the bridge was away at
        AgentCalled) is offered now, at the time its ring time implies."""
        dest = fields.text(m, "DestUniqueid")
        user_id = self._user(m)
        found = self._visit(call)
        if found is None:
            return None
        call, visit = found
        leg = call.legs.get(dest)
        if leg is None:
            self._warn("outcome_without_agent_called")
            leg = self._offer(call, visit, dest, user_id, max(offered_guess(), visit.queued_at))
        elif leg.status not in ("ringing", "busy"):
            self._warn("outcome_twice")
            return None
        return call, visit, leg

    def _outcome(
        self, call: CallState, visit: Visit, leg: Leg, at: datetime, outcome: type
    ) -> None:
        self._events(call).outcome(at, visit, leg, outcome)
        leg.status = "answered" if outcome is TaskAccepted else "done"

    def _visit(self, call: CallState | None) -> tuple[CallState, Visit] | None:
        visit = call.open_visit() if call is not None else None
        if call is None or call.ended or visit is None:
            self._warn("without_open_queue_entry")
            return None
        return call, visit

    def _user(self, m: AmiMessage) -> str:
        member, interface = m.get("MemberName").strip(), m.get("Interface").strip()
        if not member and not interface:
            raise AmiFieldError(m.event, "MemberName", "and Interface are missing")
        for name in (member, interface):
            known = self.options.known_user_id(name) if name else None
            if known is not None:
                return known
        return self.options.user_id(member or interface)

    def _events(self, call: CallState) -> CallEvents:
        if self._out is None or self._out.session_id != call.session_id:
            self._out = CallEvents(self.options.tenant_id, call.session_id)
        return self._out

    def _check(self, expected: datetime, actual: datetime, warning: str) -> None:
        if abs(expected - actual) > TOLERANCE:
            self._warn(warning)

    def _warn(self, warning: str) -> None:
        _bump(self.warnings, warning)


def _end(call: CallState) -> None:
    call.ended = True
    if call.visit is not None:
        call.visit.open = False
    for _, leg in call.ringing():
        leg.status = "done"


def _unknown_is_empty(number: str) -> str:
    """AMI writes ``<unknown>`` for an absent caller id number."""
    return "" if number.strip().casefold() == "<unknown>" else number


def _bump(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1
