"""The storage rule and the stored record.

On every departure from a service session (a transfer out, a queue exit, an abandonment,
the end, the watchdog's expiry) the service that was left gets its own historical record of
the accumulated context as it stood then, if and only if its settings store context at that
instant (not retroactive: a session that left before the setting was switched on gets
nothing). Services without it get nothing, and their history shows "Not Available".
Directory data is never stored (``Caller.for_storage``); a caller no source knew keeps the
display name the session itself carried; a record lives 30 days.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final

from context_service.domain.callers import Caller
from context_service.domain.live_context import Departure, LeftHow, LiveContext, Parameter

RETENTION: Final = timedelta(days=30)
NOT_AVAILABLE: Final = "Not Available"


@dataclass(frozen=True, slots=True)
class StoredContext:
    """One service session's historical record: what the service's history shows."""

    tenant_id: str
    session_id: str
    service_session_id: str
    service_id: str
    service_name: str
    left_at: datetime
    left_how: LeftHow
    started_at: datetime | None
    modality: str | None
    direction: str | None
    service_upn: str | None
    caller: Caller | None
    parameters: Mapping[str, Parameter]
    stored_at: datetime
    expires_at: datetime

    def visible_at(self, now: datetime) -> bool:
        return now < self.expires_at

    def system_fields(self) -> dict[str, str]:
        """The session's system fields by name (``contracts.templates.SYSTEM_FIELDS``)."""
        return system_fields(
            session_id=self.session_id,
            service_id=self.service_id,
            service_name=self.service_name,
            service_upn=self.service_upn,
            caller=self.caller,
            modality=self.modality,
            started_at=self.started_at,
        )


def record_of(departure: Departure, stored_at: datetime) -> StoredContext:
    context, stay = departure.context, departure.stay
    return StoredContext(
        tenant_id=context.tenant_id,
        session_id=context.session_id,
        service_session_id=stay.service_session_id,
        service_id=stay.service_id,
        service_name=stay.service_name,
        left_at=departure.at,
        left_how=stay.left_how or "ended",
        started_at=context.started_at,
        modality=context.modality,
        direction=context.direction,
        service_upn=context.service_upn,
        caller=_stored_caller(context),
        parameters=dict(context.parameters),
        stored_at=stored_at,
        expires_at=stored_at + RETENTION,
    )


def records_to_store(
    departures: Sequence[Departure],
    stores_context_at: Callable[[str, datetime], bool],
    stored_at: datetime,
) -> list[StoredContext]:
    """The records for the departures whose service stores context at the instant the
    session left it: ``stores_context_at(service_id, left_at)`` (the settings' opt-in)."""
    return [
        record_of(departure, stored_at)
        for departure in departures
        if stores_context_at(departure.stay.service_id, departure.at)
    ]


def _stored_caller(context: LiveContext) -> Caller | None:
    """The caller as the session knew it: a source's match (``for_storage``), else the
    known address with the display name the session's own events carried, so a caller no
    source knew keeps the name the agent saw while live instead of turning "Anonymous"."""
    if context.caller is not None:
        caller = context.caller.for_storage()
    # Never resolved (a lookup still running when the session left): the known address.
    elif context.caller_address is None or context.caller_kind is None:
        return None
    else:
        caller = Caller(address=context.caller_address, address_kind=context.caller_kind)
    if caller.source != "none" or caller.display_name or not context.caller_name:
        return caller
    return replace(caller, display_name=context.caller_name).bounded()


def one_line_address(caller: Caller) -> str:
    return ", ".join(
        part for part in (caller.street, caller.postal_code, caller.city, caller.country) if part
    )


def system_fields(
    *,
    session_id: str,
    service_id: str | None,
    service_name: str | None,
    service_upn: str | None,
    caller: Caller | None,
    modality: str | None,
    started_at: datetime | None,
) -> dict[str, str]:
    values = {
        "session_id": session_id,
        "service_id": service_id,
        "service_name": service_name,
        "service_upn": service_upn,
        "caller": caller.address if caller is not None else None,
        "modality": modality,
        "started_at": started_at.isoformat().replace("+00:00", "Z") if started_at else None,
    }
    return {name: value for name, value in values.items() if value is not None}


def template_values(
    caller: Caller | None, system: Mapping[str, str], parameters: Mapping[str, Parameter]
) -> dict[str, str]:
    """The values a URL template's placeholders read (``caller.*``, ``system.*``,
    ``param.*``); missing ones render empty."""
    values: dict[str, str] = {f"system.{name}": value for name, value in system.items()}
    values.update({f"param.{name}": p.value for name, p in parameters.items()})
    if caller is not None and not caller.is_anonymous:
        for name in ("display_name", "company", "street", "city", "postal_code", "country"):
            if (value := getattr(caller, name)) is not None:
                values[f"caller.{name}"] = value
        if caller.email is not None:
            values["caller.email"] = caller.email
        if address := one_line_address(caller):
            values["caller.address"] = address
    return values
