"""Facts: what the queue domain knows happened to a session, one per upstream event.

A fact is the contract event reduced to plain data. The adapter layer translates contracts
into facts, so the domain depends on nothing but the standard library, and a stored fact
(see :func:`fact_to_dict`) can be folded again after a restart without the contracts at hand.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from queue_service.domain.instants import from_iso, to_iso, utc_millis


class FactKind(StrEnum):
    """One member per upstream event type; values are the contracts' ``type`` strings."""

    SESSION_STARTED = "session.started"
    SESSION_QUEUED = "session.queued"
    TASK_OFFERED = "task.offered"
    TASK_ACCEPTED = "task.accepted"
    TASK_DECLINED = "task.declined"
    TASK_RONA = "task.rona"
    TASK_CANCELLED = "task.cancelled"
    TASK_RESCINDED = "task.rescinded"
    SESSION_ABANDONED = "session.abandoned"
    SESSION_QUEUE_EXITED = "session.queue_exited"
    SESSION_TRANSFERRED = "session.transferred"
    SESSION_ENDED = "session.ended"
    SESSION_EXPIRED = "session.expired"
    OUTBOUND_DIALING = "outbound.dialing"
    OUTBOUND_RINGING = "outbound.ringing"
    OUTBOUND_DESTINATION_ACCEPTED = "outbound.destination_accepted"
    OUTBOUND_DESTINATION_DECLINED = "outbound.destination_declined"
    OUTBOUND_DESTINATION_NOT_REACHED = "outbound.destination_not_reached"
    OUTBOUND_NOT_ACCEPTED = "outbound.not_accepted"
    OUTBOUND_USER_ABORTED = "outbound.user_aborted"
    EMAIL_RECEIVED = "email.received"
    CHAT_RECEIVED = "chat.received"
    ACW_SAVED = "acw.saved"
    """After-call work of one user session was saved (``acw.submitted`` on sessions.acw.v1)."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One upstream event. Which optional fields are set depends on ``kind``.

    ``at`` is when it happened upstream (never when it arrived): every timer is computed
    from these instants, so a replay gives the same numbers as the live run.
    """

    event_id: str
    kind: FactKind
    at: datetime
    tenant_id: str
    session_id: str
    service_session_id: str | None = None
    user_session_id: str | None = None
    user_id: str | None = None
    service_id: str | None = None
    service_name: str | None = None
    priority: int | None = None
    direction: str | None = None
    modality: str | None = None
    party_address: str | None = None
    party_kind: str | None = None
    party_display_name: str | None = None
    reason: str | None = None
    ended_by: str | None = None
    transfer_kind: str | None = None
    transfer_service_id: str | None = None
    transfer_service_name: str | None = None
    transfer_user_id: str | None = None
    subject: str | None = None
    snippet: str | None = None
    chat_url: str | None = None
    idle_since: datetime | None = None

    def __post_init__(self) -> None:
        # Normalized here once, so equality, sorting and the stored form all agree.
        object.__setattr__(self, "kind", FactKind(self.kind))
        object.__setattr__(self, "at", utc_millis(self.at))
        if self.idle_since is not None:
            object.__setattr__(self, "idle_since", utc_millis(self.idle_since))
        for name in ("event_id", "tenant_id", "session_id"):
            if not getattr(self, name):
                raise ValueError(f"a fact needs a non-empty {name}")


_FIELDS = tuple(field.name for field in fields(Fact))
_REQUIRED = frozenset({"event_id", "kind", "at", "tenant_id", "session_id"})
_INSTANTS = frozenset({"at", "idle_since"})
_INTEGERS = frozenset({"priority"})


def fact_to_dict(fact: Fact) -> dict[str, object]:
    """JSON-safe form for storage: instants as ISO strings with milliseconds, ``None``
    fields left out so the stored form stays small and new optional fields stay compatible."""
    data: dict[str, object] = {}
    for name in _FIELDS:
        value = getattr(fact, name)
        if value is None:
            continue
        if isinstance(value, datetime):
            data[name] = to_iso(value)
        elif isinstance(value, FactKind):
            data[name] = value.value
        else:
            data[name] = value
    return data


def fact_from_dict(data: Mapping[str, object]) -> Fact:
    """The inverse of :func:`fact_to_dict`. Unknown or mistyped fields raise ``ValueError``
    rather than being dropped, so a corrupt store fails loudly instead of folding wrongly."""
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise ValueError(f"unknown fact fields: {', '.join(unknown)}")
    missing = sorted(_REQUIRED - set(data))
    if missing:
        raise ValueError(f"missing fact fields: {', '.join(missing)}")
    values: dict[str, Any] = {name: _parse(name, raw) for name, raw in data.items()}
    return Fact(**values)


def _parse(name: str, raw: object) -> object:
    if raw is None:
        return None
    if name in _INTEGERS:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueError(f"fact field {name} must be an integer, got {type(raw).__name__}")
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"fact field {name} must be a string, got {type(raw).__name__}")
    if name in _INSTANTS:
        return from_iso(raw)
    if name == "kind":
        return FactKind(raw)
    return raw
