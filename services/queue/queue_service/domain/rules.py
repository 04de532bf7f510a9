"""The task state machine: what each kind of fact does to the session's tasks.

States only move forward (incoming, or dialing → ringing, then connected, then ended) and
the first outcome stays; see :class:`~queue_service.domain.draft.Draft`. Facts about a
task that was never offered (the offer was lost upstream) still create it, so no outcome
is dropped.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Final

from queue_service.domain.draft import Draft, Party
from queue_service.domain.facts import Fact, FactKind
from queue_service.domain.session_state import SessionState, required
from queue_service.domain.task import Outcome

Handler = Callable[[SessionState, Fact], None]
Transition = Callable[[Draft, Fact], None]

TRANSFERRED: Final = "transferred"
EXPIRED: Final = "expired"


def apply(state: SessionState, fact: Fact) -> None:
    """Apply one fact; the caller feeds facts in their fixed order (see ``fold``)."""
    _HANDLERS[fact.kind](state, fact)


# --- session-wide facts ---------------------------------------------------------------------


def _started(state: SessionState, fact: Fact) -> None:
    if state.started:
        return
    state.started = True
    state.direction = fact.direction
    state.modality = fact.modality
    state.service_id = fact.service_id
    state.caller = Party.of(fact)
    state.name_service(fact.service_id, fact.service_name)


def _queued(state: SessionState, fact: Fact) -> None:
    service_session = state.service_session(
        required(fact.service_session_id, "service_session_id", fact)
    )
    state.name_service(fact.service_id, fact.service_name)
    if service_session.queued_at is None:
        service_session.queued_at = fact.at
        service_session.service_id = fact.service_id
        service_session.priority = fact.priority or 0


def _acw_saved(state: SessionState, fact: Fact) -> None:
    # Recorded for the session, not the draft: it holds whichever order the facts come in.
    state.acw_saved.add(required(fact.user_session_id, "user_session_id", fact))


def _email(state: SessionState, fact: Fact) -> None:
    # The first mail is the one the task was created for; later ones do not replace it.
    state.media = state.media or "email"
    state.sender = state.sender or Party.of(fact)
    if state.subject is None and state.snippet is None:
        state.subject, state.snippet = fact.subject, fact.snippet


def _chat(state: SessionState, fact: Fact) -> None:
    state.media = state.media or "chat"
    state.sender = state.sender or Party.of(fact)
    state.chat_url = state.chat_url or fact.chat_url


# --- closing a service session or the whole session -----------------------------------------
#
# Who ended a task that was still ringing decides its outcome, whichever event carried it
# (see README, "Outcomes, states and timers"): the caller → cancelled, the agent →
# declined, the system or a timeout → rona; an outbound attempt has its own names.

_UNANSWERED_OFFER: Mapping[str, Outcome] = MappingProxyType(
    {"caller": "cancelled", "agent": "declined", "system": "rona"}
)
_UNANSWERED_ATTEMPT: Mapping[str, Outcome] = MappingProxyType(
    {"agent": "user_aborted", "caller": "destination_declined", "system": "destination_not_reached"}
)
_CLOSED_BY: Mapping[FactKind, str] = MappingProxyType(
    {FactKind.SESSION_ABANDONED: "caller", FactKind.SESSION_QUEUE_EXITED: "system"}
)
"""Who closed a service session, for the facts that close one without a transfer; the
fact's type is also the task's end reason (``abandoned``, ``queue_exited``)."""


def _left_queue(state: SessionState, fact: Fact) -> None:
    """``session.abandoned`` (the caller) or ``session.queue_exited`` (the system)."""
    ssid = required(fact.service_session_id, "service_session_id", fact)
    service_session = state.service_session(ssid)
    service_session.closed_by = service_session.closed_by or fact
    for draft in _of_service_session(state, ssid):
        _stop_ringing(draft, _CLOSED_BY[fact.kind], fact.at, _reason_of(fact))


def _transferred(state: SessionState, fact: Fact) -> None:
    ssid = required(fact.service_session_id, "service_session_id", fact)
    state.name_service(fact.transfer_service_id, fact.transfer_service_name)
    to_user = fact.transfer_user_id if fact.transfer_kind == "user" else None
    for draft in _of_service_session(state, ssid):
        # In an attended transfer the target already has the call: its task goes on.
        if draft.user_id != to_user:
            _hand_over(draft, fact.at)
    if to_user is not None:
        # The same service session goes on with the target user, so it stays open.
        state.user_transfers.setdefault(to_user, []).append(fact.at)
    else:
        # To a service, an external number or somewhere unknown: this service session is over.
        service_session = state.service_session(ssid)
        service_session.closed_by = service_session.closed_by or fact


def _ended(state: SessionState, fact: Fact) -> None:
    state.ended_by = state.ended_by or fact
    for draft in state.drafts.values():
        _end_with_session(draft, fact, fact.at)


def _expired(state: SessionState, fact: Fact) -> None:
    # The watchdog writes this hours after the last event; the call most likely ended when
    # things went quiet, so timers stop there instead of counting the idle hours. (The fold
    # drops expiries from a set that holds a real session.ended.)
    quiet_since = fact.idle_since or fact.at
    for draft in state.drafts.values():
        outcome: Outcome = EXPIRED if draft.unanswered else draft.connected_outcome
        draft.end(max(quiet_since, draft.updated_at), outcome, EXPIRED, inferred=True)


def _stop_ringing(draft: Draft, ended_by: str, at: datetime, reason: str | None) -> None:
    """Who ended a task nobody answered yet decides its outcome."""
    if not draft.unanswered:
        return
    if draft.attempt:
        draft.end(at, _UNANSWERED_ATTEMPT.get(ended_by, "destination_not_reached"), reason)
    else:
        draft.end(at, _UNANSWERED_OFFER.get(ended_by, "rona"), reason)


def _hand_over(draft: Draft, at: datetime) -> None:
    """The session leaves this task's service session: ringing stops, talking agents are done."""
    if draft.unanswered:
        draft.end(at, "rescinded", TRANSFERRED)
    else:
        draft.end(at, draft.connected_outcome, TRANSFERRED)


def _end_with_session(draft: Draft, ended: Fact, at: datetime) -> None:
    reason = ended.reason or "normal"
    if draft.unanswered:
        _stop_ringing(draft, ended.ended_by or "system", at, reason)
    else:
        draft.end(at, draft.connected_outcome, reason)


def _settle(state: SessionState, draft: Draft, at: datetime) -> None:
    """A task first heard of after its service session or session closed is closed at once,
    as the closing fact would have closed it had the task existed then."""
    closed_by = state.service_sessions.get(draft.service_session_id or "")
    closer = closed_by.closed_by if closed_by else None
    if closer is not None and closer.kind in _CLOSED_BY:
        _stop_ringing(draft, _CLOSED_BY[closer.kind], at, _reason_of(closer))
    elif closer is not None:
        _hand_over(draft, at)
    if state.ended_by is not None:
        _end_with_session(draft, state.ended_by, at)


def _reason_of(closer: Fact) -> str:
    return closer.kind.value.removeprefix("session.")


def _of_service_session(state: SessionState, ssid: str) -> list[Draft]:
    return [d for d in state.drafts.values() if d.service_session_id == ssid]


# --- facts about one task -------------------------------------------------------------------


def _on_task(transition: Transition, *, attempt: bool) -> Handler:
    def handle(state: SessionState, fact: Fact) -> None:
        draft, created = state.draft(fact, attempt=attempt)
        transition(draft, fact)
        if created:
            _settle(state, draft, fact.at)

    return handle


# The first offer, dialing or ringing of a task sets its instant whatever the state: one
# that is applied after the answer (a skewed clock, a late delivery) still tells when the
# task started to ring.


def _offered(draft: Draft, fact: Fact) -> None:
    draft.service_id = draft.service_id or fact.service_id
    draft.offered_at = draft.offered_at or fact.at


def _dialing(draft: Draft, fact: Fact) -> None:
    draft.service_id = draft.service_id or fact.service_id
    draft.destination = draft.destination or Party.of(fact)
    draft.dialing_at = draft.dialing_at or fact.at


def _ringing(draft: Draft, fact: Fact) -> None:
    draft.ring()
    draft.ringing_at = draft.ringing_at or fact.at


def _accepted(draft: Draft, fact: Fact) -> None:
    if draft.connect(fact.at):
        draft.accepted_at = fact.at


def _answered(draft: Draft, fact: Fact) -> None:
    if draft.connect(fact.at):
        draft.answered_at = fact.at


def _stops_ringing(outcome: Outcome, *, with_reason: bool = False) -> Transition:
    """An end that only an unanswered task can have: a connected call is not declined."""

    def transition(draft: Draft, fact: Fact) -> None:
        if draft.unanswered:
            draft.end(fact.at, outcome, fact.reason if with_reason else None)

    return transition


_HANDLERS: Mapping[FactKind, Handler] = MappingProxyType(
    {
        FactKind.SESSION_STARTED: _started,
        FactKind.SESSION_QUEUED: _queued,
        FactKind.TASK_OFFERED: _on_task(_offered, attempt=False),
        FactKind.TASK_ACCEPTED: _on_task(_accepted, attempt=False),
        FactKind.TASK_DECLINED: _on_task(_stops_ringing("declined"), attempt=False),
        FactKind.TASK_RONA: _on_task(_stops_ringing("rona"), attempt=False),
        FactKind.TASK_CANCELLED: _on_task(_stops_ringing("cancelled"), attempt=False),
        FactKind.TASK_RESCINDED: _on_task(_stops_ringing("rescinded"), attempt=False),
        FactKind.SESSION_ABANDONED: _left_queue,
        FactKind.SESSION_QUEUE_EXITED: _left_queue,
        FactKind.SESSION_TRANSFERRED: _transferred,
        FactKind.SESSION_ENDED: _ended,
        FactKind.SESSION_EXPIRED: _expired,
        FactKind.OUTBOUND_DIALING: _on_task(_dialing, attempt=True),
        FactKind.OUTBOUND_RINGING: _on_task(_ringing, attempt=True),
        FactKind.OUTBOUND_DESTINATION_ACCEPTED: _on_task(_answered, attempt=True),
        FactKind.OUTBOUND_DESTINATION_DECLINED: _on_task(
            _stops_ringing("destination_declined"), attempt=True
        ),
        FactKind.OUTBOUND_DESTINATION_NOT_REACHED: _on_task(
            _stops_ringing("destination_not_reached"), attempt=True
        ),
        FactKind.OUTBOUND_NOT_ACCEPTED: _on_task(
            _stops_ringing("not_accepted", with_reason=True), attempt=True
        ),
        FactKind.OUTBOUND_USER_ABORTED: _on_task(_stops_ringing("user_aborted"), attempt=True),
        FactKind.EMAIL_RECEIVED: _email,
        FactKind.CHAT_RECEIVED: _chat,
        FactKind.ACW_SAVED: _acw_saved,
    }
)
