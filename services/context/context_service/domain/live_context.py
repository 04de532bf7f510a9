"""The live context of one session, and how it accumulates across service sessions.

A session visits one or more services (a *stay* each: a service session). Custom
parameters accumulate over the whole session: a later service overwrites a parameter and
adds new ones, and each value remembers the service that supplied it (its provenance).
When the session leaves a stay (a transfer out, a queue exit, an abandonment, the end, the
watchdog's expiry), that stay is a *departure*: the accumulated context as it stood then,
which the storage rule (``domain.storage``) stores for services that opted in.

Changes arrive already translated from the contracts (``adapters.translate``); each
carries its event id, so a redelivered change is applied once.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final, Literal

from context_service.domain.callers import FIELD_LIMITS, AddressKind, Caller

LeftHow = Literal["transferred", "abandoned", "queue_exited", "requeued", "ended", "expired"]

MAX_REMEMBERED_EVENTS: Final = 4_096
"""Event ids a live context remembers to apply each change once; a session with more
context changes than this is far beyond any real one (oldest forgotten first)."""


@dataclass(frozen=True, slots=True)
class Parameter:
    value: str
    service_id: str | None
    """The service whose session set it; None when its service session was never seen."""
    service_session_id: str


@dataclass(frozen=True, slots=True)
class Stay:
    """One service session of the session."""

    service_session_id: str
    service_id: str
    service_name: str
    entered_at: datetime
    left_at: datetime | None = None
    left_how: LeftHow | None = None

    @property
    def open(self) -> bool:
        return self.left_at is None


@dataclass(frozen=True, slots=True)
class LiveContext:
    tenant_id: str
    session_id: str
    started_at: datetime | None = None
    modality: str | None = None
    direction: str | None = None
    caller_address: str | None = None
    caller_kind: AddressKind | None = None
    caller_name: str | None = None
    """The display name the session's own start event carried (call, e-mail sender, chat
    visitor), if any: what a stored record keeps when no source knew the caller."""
    caller: Caller | None = None
    """As resolved while the session lives; None until resolved."""
    service_upn: str | None = None
    first_service: tuple[str, str] | None = None
    """(service id, name) the session started in, for sessions that never queue."""
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    stays: tuple[Stay, ...] = ()
    seen: tuple[str, ...] = ()

    def stay(self, service_session_id: str) -> Stay | None:
        return next((s for s in self.stays if s.service_session_id == service_session_id), None)

    @property
    def current(self) -> Stay | None:
        return next((s for s in reversed(self.stays) if s.open), None)

    @property
    def needs_caller(self) -> bool:
        return self.caller is None and self.caller_address is not None


@dataclass(frozen=True, slots=True)
class Departure:
    """The session left ``stay``; ``context`` is the accumulated context as it stood then."""

    stay: Stay
    context: LiveContext

    @property
    def at(self) -> datetime:
        assert self.stay.left_at is not None
        return self.stay.left_at


# --- changes -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Started:
    event_id: str
    at: datetime
    modality: str
    direction: str
    service_id: str
    service_name: str
    caller_address: str
    caller_kind: AddressKind
    service_session_id: str | None = None
    caller_name: str | None = None


@dataclass(frozen=True, slots=True)
class Queued:
    event_id: str
    at: datetime
    service_session_id: str
    service_id: str
    service_name: str


@dataclass(frozen=True, slots=True)
class ParametersSet:
    event_id: str
    at: datetime
    service_session_id: str
    values: Mapping[str, str]
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CallerSet:
    """An integrator's system (a CRM flow, through the connector API) says who the caller
    is: the details replace what was resolved or set before, shown with source ``crm``."""

    event_id: str
    at: datetime
    service_session_id: str
    details: Mapping[str, str]
    """Caller fields (``callers.FIELD_LIMITS``' names) to their values; absent: unknown."""


@dataclass(frozen=True, slots=True)
class Left:
    """The session left one service session and goes on (or not) elsewhere."""

    event_id: str
    at: datetime
    service_session_id: str
    how: LeftHow


@dataclass(frozen=True, slots=True)
class Ended:
    """The session is over: every stay still open is left."""

    event_id: str
    at: datetime
    how: LeftHow
    service_session_id: str | None = None


Change = Started | Queued | ParametersSet | CallerSet | Left | Ended


def apply(context: LiveContext, change: Change) -> tuple[LiveContext, tuple[Departure, ...]]:
    """The context after ``change`` and the stays it left; a change seen before is a no-op."""
    if change.event_id in context.seen:
        return context, ()
    seen = (*context.seen, change.event_id)[-MAX_REMEMBERED_EVENTS:]
    context = replace(context, seen=seen)
    match change:
        case Started():
            return _started(context, change), ()
        case Queued():
            return _queued(context, change)
        case ParametersSet():
            return _parameters(context, change), ()
        case CallerSet():
            return _caller_set(context, change), ()
        case Left():
            return _leave(context, change.service_session_id, change.at, change.how)
        case Ended():
            return _end(context, change)


def with_caller(context: LiveContext, caller: Caller) -> LiveContext:
    return replace(context, caller=caller)


def _started(context: LiveContext, change: Started) -> LiveContext:
    context = replace(
        context,
        started_at=change.at,
        modality=change.modality,
        direction=change.direction,
        caller_address=change.caller_address,
        caller_kind=change.caller_kind,
        caller_name=change.caller_name,
        first_service=(change.service_id, change.service_name),
    )
    if change.service_session_id is not None and context.stay(change.service_session_id) is None:
        stay = Stay(change.service_session_id, change.service_id, change.service_name, change.at)
        context = replace(context, stays=(*context.stays, stay))
    return context


def _queued(context: LiveContext, change: Queued) -> tuple[LiveContext, tuple[Departure, ...]]:
    if context.stay(change.service_session_id) is not None:
        return context, ()
    departures: tuple[Departure, ...] = ()
    current = context.current
    if current is not None:  # a new queue without a transfer seen: the old stay is left
        context, departures = _leave(context, current.service_session_id, change.at, "requeued")
    stay = Stay(change.service_session_id, change.service_id, change.service_name, change.at)
    return replace(context, stays=(*context.stays, stay)), departures


def _parameters(context: LiveContext, change: ParametersSet) -> LiveContext:
    stay = context.stay(change.service_session_id)
    source = stay.service_id if stay is not None else None
    parameters = {
        name: parameter
        for name, parameter in context.parameters.items()
        if name not in change.removed
    }
    for name, value in change.values.items():
        parameters[name] = Parameter(value, source, change.service_session_id)
    return replace(context, parameters=parameters)


def _caller_set(context: LiveContext, change: CallerSet) -> LiveContext:
    details = {name: value for name, value in change.details.items() if name in FIELD_LIMITS}
    caller = Caller(
        address=context.caller_address or "",
        address_kind=context.caller_kind or "anonymous",
        source="crm",
        **details,
    )
    return replace(context, caller=caller.bounded())


def _leave(
    context: LiveContext, service_session_id: str, at: datetime, how: LeftHow
) -> tuple[LiveContext, tuple[Departure, ...]]:
    stay = context.stay(service_session_id)
    if stay is None or not stay.open:
        return context, ()  # unknown (its queueing was never seen) or left already
    left = replace(stay, left_at=at, left_how=how)
    stays = tuple(left if s is stay else s for s in context.stays)
    context = replace(context, stays=stays)
    return context, (Departure(left, context),)


def _end(context: LiveContext, change: Ended) -> tuple[LiveContext, tuple[Departure, ...]]:
    if not context.stays and context.first_service is not None:
        # A session that never queued (an outbound call) stays in the service it started in.
        service_id, name = context.first_service
        implicit = change.service_session_id or context.session_id
        stay = Stay(implicit, service_id, name, context.started_at or change.at)
        context = replace(context, stays=(stay,))
    departures: list[Departure] = []
    for stay in context.stays:
        if stay.open:
            context, left = _leave(context, stay.service_session_id, change.at, change.how)
            departures += left
    return context, tuple(departures)
