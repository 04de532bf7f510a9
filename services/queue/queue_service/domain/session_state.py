"""What one fold knows so far about a session, and how a draft becomes a :class:`Task`.

Session-wide facts (the caller, the e-mail, the service names) are kept once here and
combined with each draft only when a task is projected, so they reach every task of the
session whether they arrive before or after the offer.
"""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime

from contracts.task_rules import handled

from queue_service.domain.draft import Draft, Party, ServiceSession
from queue_service.domain.facts import Fact
from queue_service.domain.privacy import forget_caller
from queue_service.domain.skew import SKEW_TOLERANCE
from queue_service.domain.task import Task


@dataclass(slots=True)
class SessionState:
    tenant_id: str
    session_id: str
    started: bool = False
    direction: str | None = None
    modality: str | None = None
    media: str | None = None
    """``email`` or ``chat`` once such content was seen: the modality if nothing said it."""
    service_id: str | None = None
    caller: Party | None = None
    sender: Party | None = None
    subject: str | None = None
    snippet: str | None = None
    chat_url: str | None = None
    ended_by: Fact | None = None
    service_names: dict[str, str] = field(default_factory=dict)
    service_sessions: dict[str, ServiceSession] = field(default_factory=dict)
    drafts: dict[str, Draft] = field(default_factory=dict)
    user_transfers: dict[str, list[datetime]] = field(default_factory=dict)
    """Every transfer of the session to a user, by user id (see :meth:`transferred_in_at`)."""
    acw_saved: set[str] = field(default_factory=set)
    """User sessions whose after-call work was saved (``acw.saved`` facts)."""
    acw_services: AbstractSet[str] | None = None
    """Services with Codes and Tags on (None: not part of the rule; see ``fold``)."""

    def name_service(self, service_id: str | None, name: str | None) -> None:
        if service_id is not None and name is not None:
            self.service_names[service_id] = name

    def service_session(self, service_session_id: str) -> ServiceSession:
        found = self.service_sessions.get(service_session_id)
        if found is None:
            found = self.service_sessions[service_session_id] = ServiceSession(service_session_id)
        return found

    def draft(self, fact: Fact, *, attempt: bool) -> tuple[Draft, bool]:
        """The task a user-session fact is about, created if this is its first fact."""
        user_session_id = required(fact.user_session_id, "user_session_id", fact)
        found = self.drafts.get(user_session_id)
        if found is not None:
            return found, False
        user_id = required(fact.user_id, "user_id", fact)
        created = Draft(
            user_session_id=user_session_id,
            user_id=user_id,
            attempt=attempt,
            state="dialing" if attempt else "incoming",
            service_session_id=(
                None if attempt else required(fact.service_session_id, "service_session_id", fact)
            ),
            created_at=fact.at,
            updated_at=fact.at,
        )
        self.drafts[user_session_id] = created
        return created, True

    def transferred_in_at(self, draft: Draft) -> datetime | None:
        """The latest transfer to the draft's user that came before its task existed.

        "Before" allows the skew tolerance: the target's offer carries the agent client's
        clock, the transfer the platform's, so an offer stamped up to ``SKEW_TOLERANCE``
        before the transfer is still the offer the transfer made.
        """
        if draft.attempt:
            return None
        latest = draft.created_at + SKEW_TOLERANCE
        before = [t for t in self.user_transfers.get(draft.user_id, ()) if t <= latest]
        return max(before) if before else None

    def _named(self, party: Party | None) -> Party:
        """The party, with the display name the session knows for the same address when
        the event that named it had none (a dialed number the session started with)."""
        if party is None:
            return Party(None, None, None)
        if party.display_name is None:
            for known in (self.caller, self.sender):
                if known and known.address == party.address and known.display_name:
                    return Party(known.display_name, party.address, party.kind)
        return party

    def project(self, draft: Draft, rev: int = 0) -> Task:
        """The draft as a task; an ended one without the caller's details
        (:func:`~queue_service.domain.privacy.forget_caller`)."""
        ss = self.service_sessions.get(draft.service_session_id or "")
        service_id = draft.service_id or (ss.service_id if ss else None) or self.service_id
        caller = self._named(draft.destination or self.caller or self.sender)
        task = Task(
            tenant_id=self.tenant_id,
            session_id=self.session_id,
            service_session_id=draft.service_session_id,
            user_session_id=draft.user_session_id,
            user_id=draft.user_id,
            service_id=service_id,
            service_name=self.service_names.get(service_id or ""),
            priority=ss.priority if ss else 0,
            modality=self.modality or self.media or "voice",
            direction="outbound" if draft.attempt else self.direction or "inbound",
            state=draft.state,
            outcome=draft.outcome,
            end_reason=draft.end_reason,
            inferred=draft.inferred,
            open=is_open(draft)
            and draft.user_session_id not in self.acw_saved
            and (self.acw_services is None or service_id in self.acw_services),
            caller_display_name=caller.display_name,
            caller_address=caller.address,
            caller_kind=caller.kind,
            started_at=draft.offered_at or draft.dialing_at or draft.created_at,
            queued_at=_latest(ss.queued_at if ss else None, self.transferred_in_at(draft)),
            offered_at=draft.offered_at,
            ring_ended_at=draft.ring_ended_at,
            accepted_at=draft.accepted_at,
            ended_at=draft.ended_at,
            dialing_at=draft.dialing_at,
            ringing_at=draft.ringing_at,
            answered_at=draft.answered_at,
            updated_at=draft.updated_at,
            subject=self.subject,
            snippet=self.snippet,
            chat_url=self.chat_url,
            rev=rev,
        )
        return forget_caller(task)


def is_open(draft: Draft) -> bool:
    """After-call work is due once a task the agent handled has ended, while its service has
    Codes and Tags on and until the work is saved (both checked in :meth:`SessionState.project`;
    the same rule as after-call work's ``acw.domain.open_for_acw``). Handled is one
    definition both read: ``contracts.task_rules.handled``.
    """
    if draft.live:
        return False
    return handled("outbound" if draft.attempt else "inbound", draft.outcome)


def required(value: str | None, name: str, fact: Fact) -> str:
    """A field the fact's kind always carries; its absence is a translation bug upstream."""
    if value is None:
        raise ValueError(f"{fact.kind} fact {fact.event_id} has no {name}")
    return value


def _latest(*instants: datetime | None) -> datetime | None:
    known = [instant for instant in instants if instant is not None]
    return max(known) if known else None
