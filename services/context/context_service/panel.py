"""What an agent's detail panel shows for a session in one service: the caller, the session
details the service's settings choose, the context links and the map link rendered from the
templates configured NOW with the data of the session (live, or stored THEN), and every
stored field with the service that supplied it.

A concluded session without a record for the service (it does not store context, or the
record expired) shows "Not Available" everywhere.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from contracts import ServiceSettings
from contracts.templates import parse_url_template, render_url_template

from context_service.domain import (
    ANONYMOUS,
    NOT_AVAILABLE,
    Caller,
    LiveContext,
    Parameter,
    StoredContext,
    system_fields,
    template_values,
)

__all__ = ["Link", "Panel", "ShownField", "live_panel", "not_available_panel", "stored_panel"]

CALLER_DETAILS = ("company", "street", "postal_code", "city", "country", "email", "phone")


@dataclass(frozen=True, slots=True)
class ShownField:
    name: str
    value: str
    source: str | None = None
    """The service that supplied a custom parameter (provenance); None for system fields."""


@dataclass(frozen=True, slots=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Panel:
    status: Literal["live", "stored", "not_available"]
    caller: str
    """The caller's name, "Anonymous", or "Not Available"."""
    caller_address: str | None
    caller_details: Mapping[str, str]
    session_details: tuple[ShownField, ...]
    stored_fields: tuple[ShownField, ...]
    """Every custom parameter with its source service, whatever the widget shows."""
    links: tuple[Link, ...]
    map_url: str | None
    embedded_url: str | None
    transcript: str


def not_available_panel(transcript: str = "none") -> Panel:
    return Panel("not_available", NOT_AVAILABLE, None, {}, (), (), (), None, None, transcript)


def stored_panel(
    settings: ServiceSettings,
    record: StoredContext | None,
    transcript: str = "none",
    caller: Caller | None = None,
) -> Panel:
    """``caller``: the record's caller as resolved again when shown (directory matches are
    stored as their address only); default the stored one."""
    if record is None:
        return not_available_panel(transcript)
    shown_caller = caller if caller is not None else record.caller
    return _panel(
        "stored", settings, shown_caller, record.system_fields(), record.parameters, transcript
    )


def live_panel(settings: ServiceSettings, context: LiveContext, transcript: str = "none") -> Panel:
    stay = context.current or (context.stays[-1] if context.stays else None)
    service_id, service_name = (
        (stay.service_id, stay.service_name) if stay else (context.first_service or (None, None))
    )
    caller = context.caller
    if caller is None and context.caller_address and context.caller_kind:
        caller = Caller(address=context.caller_address, address_kind=context.caller_kind)
    system = system_fields(
        session_id=context.session_id,
        service_id=service_id,
        service_name=service_name,
        service_upn=context.service_upn,
        caller=caller,
        modality=context.modality,
        started_at=context.started_at,
    )
    return _panel("live", settings, caller, system, context.parameters, transcript)


def _panel(
    status: Literal["live", "stored"],
    settings: ServiceSettings,
    caller: Caller | None,
    system: Mapping[str, str],
    parameters: Mapping[str, Parameter],
    transcript: str,
) -> Panel:
    widgets = settings.widgets
    values = template_values(caller, system, parameters)
    chosen = settings.session_details_fields
    details = (
        tuple(ShownField(name, system[name]) for name in chosen.system if name in system)
        + tuple(
            ShownField(name, parameters[name].value, parameters[name].service_id)
            for name in chosen.parameters
            if name in parameters
        )
        if widgets.session_details
        else ()
    )
    links = (
        tuple(
            Link(link.name, render_url_template(parse_url_template(link.url_template), values))
            for link in settings.context_links
        )
        if widgets.context_links
        else ()
    )
    map_url = (
        render_url_template(parse_url_template(settings.map_url_template), values)
        if widgets.map and "caller.address" in values
        else None
    )
    embedded = (
        render_url_template(parse_url_template(settings.embedded_context_url), values)
        if widgets.embedded_context and settings.embedded_context_url
        else None
    )
    known = caller is not None and not caller.is_anonymous
    return Panel(
        status=status,
        caller=caller.label if caller is not None else ANONYMOUS,
        caller_address=caller.address if caller is not None else None,
        caller_details={
            name: value
            for name in CALLER_DETAILS
            if known and isinstance(value := getattr(caller, name), str)
        },
        session_details=details,
        stored_fields=tuple(
            ShownField(name, p.value, p.service_id) for name, p in parameters.items()
        ),
        links=links,
        map_url=map_url,
        embedded_url=embedded,
        transcript=transcript,
    )
