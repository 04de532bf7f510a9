"""Asterisk queue_log lines to session events, one line at a time.

=================  ===================================================================
queue_log event    session events (all at the line's time unless said otherwise)
=================  ===================================================================
ENTERQUEUE         session.started (first queue of the call; inbound voice, caller from
                   the caller id) + session.queued (a new service session ``<call>:<n>``)
RINGNOANSWER(ms)   task.offered at t - ringtime + task.rona
RINGCANCELED(ms)   task.offered at t - ringtime + task.cancelled
CONNECT(.., s)     task.offered at t - ringtime + task.accepted
ABANDON            session.abandoned + session.ended (caller, reason ``abandon``)
EXITWITHKEY        session.abandoned + session.ended (caller, reason ``exitwithkey``)
EXITEMPTY          session.queue_exited (``empty``) + session.ended (system, ``exitempty``)
EXITWITHTIMEOUT    session.queue_exited (``timeout``) + session.ended (system,
                   reason ``exitwithtimeout``): the system, not the caller, left the queue
COMPLETEAGENT      session.ended (agent, reason ``completeagent``)
COMPLETECALLER     session.ended (caller, reason ``completecaller``)
TRANSFER, BLIND-   session.transferred (blind); ATTENDEDTRANSFER: (attended). The
TRANSFER           service session closes; the session stays open (see ``targets``).
anything else      counted in ``skipped`` (QUEUESTART, ADDMEMBER, PAUSE, AGENTLOGIN, and
                   FULL, JOINEMPTY, JOINUNAVAIL: the call never entered the queue)
=================  ===================================================================

Each offer to an agent is a user session ``<call>:<user>:<n>``. A call that enters a
queue again after a transfer starts its next service session in the same session. A call
id that enters a queue again after its session *ended* (a dialplan that sends callers to
an overflow queue after EXITWITHTIMEOUT) starts a new session ``<call>-r2``.

Times: the line times are the truth. Asterisk's durations (holdtime, calltime, waittime,
whole seconds) are checked against them; a disagreement beyond one second is counted in
``warnings`` and the line times win. Ring times only place task.offered, never before the
call entered the queue.

Event ids are uuid5 over (tenant, session, the line's text, index in the line), so the
same file translated twice gives the same ids and is de-duplicated downstream.

``occurred_at`` is not monotonic within a session when several agents ring at once
(``ringall``): each line's events are in order, and each user session's offer precedes
its outcome.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from contracts import SessionEvent, TaskAccepted, TaskCancelled, TaskRingNoAnswer, explain
from pydantic import ValidationError

from ingest_service.queue_log import fields
from ingest_service.queue_log.caller import caller_party
from ingest_service.queue_log.events import EndedBy, ExitReason, LineEvents, Outcome
from ingest_service.queue_log.identifiers import fit, safe_identifier
from ingest_service.queue_log.lines import QueueLogError, QueueLogLine, parse_line
from ingest_service.queue_log.mapping import QueueLogOptions
from ingest_service.queue_log.snapshot import calls_from_json, calls_to_json
from ingest_service.queue_log.state import Call, Visit
from ingest_service.queue_log.targets import transfer_target

TOLERANCE: Final = timedelta(seconds=1)
"""Asterisk measures durations with whole-second ``time(NULL)``."""

_ENDED_BY: Final[dict[str, EndedBy]] = {
    "ABANDON": "caller",
    "EXITWITHKEY": "caller",
    "EXITEMPTY": "system",
    "EXITWITHTIMEOUT": "system",
    "COMPLETEAGENT": "agent",
    "COMPLETECALLER": "caller",
}

_SYSTEM_EXITS: Final[dict[str, ExitReason]] = {"EXITEMPTY": "empty", "EXITWITHTIMEOUT": "timeout"}
"""Lines where the queue, not the caller, took the call out: ``session.queue_exited``."""


class QueueLogTranslator:
    """Feed it a tenant's queue_log in file order; it keeps each call's state between lines.

    ``counts``: translated lines per event name; ``skipped``: lines of other events;
    ``warnings``: lines that disagree with what came before; ``errors``: malformed lines.
    """

    def __init__(self, options: QueueLogOptions) -> None:
        self.options = options
        self.counts: dict[str, int] = {}
        self.skipped: dict[str, int] = {}
        self.warnings: dict[str, int] = {}
        self.errors: list[QueueLogError] = []
        self._calls: dict[str, Call] = {}
        self._incarnations: dict[str, int] = {}
        self._line_number = 0
        self._finished = False
        self._handlers: dict[str, Callable[[QueueLogLine], list[SessionEvent]]] = {
            "ENTERQUEUE": self._enter,
            "RINGNOANSWER": lambda line: self._ring_ended(line, TaskRingNoAnswer),
            "RINGCANCELED": lambda line: self._ring_ended(line, TaskCancelled),
            "CONNECT": self._connect,
            "ABANDON": self._left,
            "EXITEMPTY": self._left,
            "EXITWITHTIMEOUT": self._left,
            "EXITWITHKEY": self._left,
            "COMPLETEAGENT": self._complete,
            "COMPLETECALLER": self._complete,
            "TRANSFER": self._transfer,
            "BLINDTRANSFER": self._transfer,
            "ATTENDEDTRANSFER": self._transfer,
        }

    def snapshot(self) -> dict[str, Any]:
        """What later lines need, as JSON (see :mod:`.snapshot`); ended calls are forgotten
        here too, so a long-running follower's memory stays bounded."""
        snapshot = calls_to_json(self._calls, self._incarnations, self._line_number)
        self._calls = {key: call for key, call in self._calls.items() if not call.ended}
        self._incarnations = dict(snapshot["incarnations"])
        return snapshot

    @classmethod
    def resume(cls, options: QueueLogOptions, snapshot: dict[str, Any]) -> "QueueLogTranslator":
        """A translator that continues where the one that took ``snapshot`` stopped."""
        translator = cls(options)
        calls, incarnations, line_number = calls_from_json(snapshot)
        translator._calls, translator._incarnations = calls, incarnations
        translator._line_number = line_number
        return translator

    @property
    def open_session_ids(self) -> tuple[str, ...]:
        """Sessions whose end queue_log has not told (yet): queued, connected or transferred."""
        return tuple(call.session_id for call in self._calls.values() if not call.ended)

    def feed(self, line: str, line_number: int | None = None) -> list[SessionEvent]:
        """Translate one line; lines are numbered from 1 unless ``line_number`` is given.

        A malformed line is recorded in ``errors`` and yields no events.
        """
        if self._finished:
            raise RuntimeError("feed() after finish()")
        self._line_number = self._line_number + 1 if line_number is None else line_number
        if not line.strip():
            return []
        try:
            parsed = parse_line(line, self._line_number, self.options.zone)
            handler = self._handlers.get(parsed.event)
            if handler is None:
                _bump(self.skipped, parsed.event)
                return []
            if not parsed.callid or parsed.callid.upper() == "NONE":
                raise QueueLogError(parsed.line_number, "the callid field is empty", parsed.event)
            events = _translate(handler, parsed)
        except QueueLogError as error:
            self.errors.append(error)
            return []
        if events:
            _bump(self.counts, parsed.event)
        return events

    def finish(self) -> list[SessionEvent]:
        """End of input. Emits nothing: queue_log never says how a call that is still
        queued, connected or transferred away ends, and inventing an end would corrupt
        reports; the queue watchdog expires such sessions (``session.expired``). They are
        counted in ``warnings['open_at_finish']`` and listed by ``open_session_ids``."""
        self._finished = True
        still_open = len(self.open_session_ids)
        if still_open:
            self.warnings["open_at_finish"] = still_open
        return []

    def _enter(self, line: QueueLogLine) -> list[SessionEvent]:
        data = fields.enter_queue(line)
        call = self._calls.get(line.callid)
        if call is not None and call.ended:
            self._warn("reentered_after_end")
        elif call is not None and call.open_visit() is not None:
            self._warn("reentered_while_open")
        starts = call is None or call.ended
        if call is None or call.ended:
            call = self._new_call(line.callid)
        service_id, service_name = self.options.service(line.queue)
        call.visits += 1
        call.visit = Visit(
            service_session_id=fit(f"{call.session_id}:{call.visits}"),
            service_id=service_id,
            service_name=service_name,
            queued_at=line.time,
        )
        out = self._events(call, line)
        if starts:
            out.started(line.time, call.visit, caller_party(data.caller_number, data.caller_name))
        out.queued(line.time, call.visit)
        return out.events

    def _new_call(self, callid: str) -> Call:
        incarnation = self._incarnations.get(callid, 0) + 1
        self._incarnations[callid] = incarnation
        session_id = safe_identifier(callid, fallback="call")
        if incarnation > 1:
            session_id = fit(f"{session_id}-r{incarnation}")
        call = Call(session_id=session_id)
        self._calls[callid] = call
        return call

    def _ring_ended(self, line: QueueLogLine, outcome: type[Outcome]) -> list[SessionEvent]:
        data = fields.ring_ended(line)
        user_id = self._agent_user(line)
        found = self._open_visit(line)
        if found is None:
            return []
        call, visit = found
        offered_at = self._offered_at(visit, line.time - timedelta(milliseconds=data.ring_ms))
        return self._offer(line, call, visit, user_id, offered_at, outcome)

    def _connect(self, line: QueueLogLine) -> list[SessionEvent]:
        data = fields.connect(line)
        user_id = self._agent_user(line)
        found = self._open_visit(line)
        if found is None:
            return []
        call, visit = found
        if visit.accepted_at is not None:
            self._warn("connect_while_connected")
        self._check(
            visit.queued_at, line.time - timedelta(seconds=data.hold_s), "holdtime_mismatch"
        )
        if data.ring_s is None:
            self._warn("connect_without_ringtime")
            offered_at = line.time
        else:
            offered_at = self._offered_at(visit, line.time - timedelta(seconds=data.ring_s))
        visit.accepted_at = line.time
        return self._offer(line, call, visit, user_id, offered_at, TaskAccepted)

    def _offer(
        self,
        line: QueueLogLine,
        call: Call,
        visit: Visit,
        user_id: str,
        offered_at: datetime,
        outcome: type[Outcome],
    ) -> list[SessionEvent]:
        offers = call.offers.get(user_id, 0) + 1
        call.offers[user_id] = offers
        user_session_id = fit(f"{call.session_id}:{user_id}:{offers}")
        out = self._events(call, line)
        out.offer(visit, user_id, user_session_id, offered_at, outcome, line.time)
        return out.events

    def _offered_at(self, visit: Visit, candidate: datetime) -> datetime:
        if candidate >= visit.queued_at:
            return candidate
        if visit.queued_at - candidate > TOLERANCE:
            self._warn("ring_before_queue_entry")
        return visit.queued_at

    def _left(self, line: QueueLogLine) -> list[SessionEvent]:
        data = fields.left_queue(line)
        found = self._open_visit(line)
        if found is None:
            return []
        call, visit = found
        if data.wait_s is not None:
            waited = timedelta(seconds=data.wait_s)
            self._check(visit.queued_at, line.time - waited, "waittime_mismatch")
        out = self._events(call, line)
        exit_reason = _SYSTEM_EXITS.get(line.event)
        if exit_reason is None:
            out.abandoned(line.time, visit)
        else:
            out.queue_exited(line.time, visit, exit_reason)
        out.ended(line.time, _ENDED_BY[line.event], line.event.lower(), visit)
        call.end()
        return out.events

    def _complete(self, line: QueueLogLine) -> list[SessionEvent]:
        data = fields.completed(line)
        found = self._connected_visit(line)
        if found is None:
            return []
        call, visit = found
        self._check_talk(visit, line, data.hold_s, data.call_s)
        out = self._events(call, line)
        out.ended(line.time, _ENDED_BY[line.event], line.event.lower(), visit)
        call.end()
        return out.events

    def _transfer(self, line: QueueLogLine) -> list[SessionEvent]:
        data = fields.transfer(line)
        found = self._connected_visit(line)
        if found is None:
            return []
        call, visit = found
        self._check_talk(visit, line, data.hold_s, data.call_s)
        out = self._events(call, line)
        out.transferred(line.time, visit, data.mode, transfer_target(self.options, data))
        visit.open = False
        return out.events

    def _check_talk(
        self, visit: Visit, line: QueueLogLine, hold_s: int | None, call_s: int | None
    ) -> None:
        accepted_at = visit.accepted_at
        if accepted_at is None:
            return
        if call_s is not None:
            self._check(accepted_at, line.time - timedelta(seconds=call_s), "calltime_mismatch")
        if hold_s is not None:
            held = timedelta(seconds=hold_s)
            self._check(visit.queued_at + held, accepted_at, "holdtime_mismatch")

    def _events(self, call: Call, line: QueueLogLine) -> LineEvents:
        return LineEvents(self.options.tenant_id, call.session_id, line.text)

    def _agent_user(self, line: QueueLogLine) -> str:
        if not line.agent or line.agent.upper() == "NONE":
            raise QueueLogError(line.line_number, "the agent field is empty", line.event)
        return self.options.user_id(line.agent)

    def _open_visit(self, line: QueueLogLine) -> tuple[Call, Visit] | None:
        call = self._calls.get(line.callid)
        visit = call.open_visit() if call is not None else None
        if call is None or visit is None:
            self._warn("without_open_queue_entry")
            return None
        return call, visit

    def _connected_visit(self, line: QueueLogLine) -> tuple[Call, Visit] | None:
        found = self._open_visit(line)
        if found is not None and found[1].accepted_at is None:
            self._warn("without_connect")
            return None
        return found

    def _check(self, expected: datetime, actual: datetime, warning: str) -> None:
        if abs(expected - actual) > TOLERANCE:
            self._warn(warning)

    def _warn(self, warning: str) -> None:
        _bump(self.warnings, warning)


def _translate(
    handler: Callable[[QueueLogLine], list[SessionEvent]], line: QueueLogLine
) -> list[SessionEvent]:
    try:
        return handler(line)
    except ValidationError as error:  # a bug, not bad input: every id is made safe first
        reason = f"produced an invalid event ({explain(error)})"
        raise QueueLogError(line.line_number, reason, line.event) from None


def _bump(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1
