"""One task's detail panel: each widget's data where the service's settings switch that
widget on, else null.

The caller, session details, links, map and embedded page are the context service's panel
(``ContextReader.panels`` of ``context_service.read``, what ``mysessions context show``
prints), for the task's service; an ended task never shows a live session's context (the
call may go on with someone else), only the record its service stored, else "Not
Available" (the tenant's own users excepted: named from the directory again, ``_caller``).
So a concluded session's embedded page is the service's template configured now with the
data its service stored then (the product documentation: it "will resolve
with the currently configured URL with a previously saved call information"), and none
where the service stored nothing. The transcript is the task's own
(``ContextReader.transcript``), live captions only while the task lives. The after-call
work block takes its code lists from the settings in force when the task started
(``acw.code_lists``), as the save checks them.
"""

from collections.abc import Mapping
from datetime import datetime

from acw.service import code_lists
from context_service.read import (
    ANONYMOUS,
    NOT_AVAILABLE,
    Panel,
    TranscriptState,
    not_available_panel,
)
from contracts import ServiceSettings, TaskView, Widgets
from contracts.acw import CodeRef
from mysessions_platform.mongo import Document, as_utc
from pydantic import BaseModel, Field

from gateway_service.auth.principal import Principal
from gateway_service.email.detail import email_detail
from gateway_service.email.models import EmailDetail
from gateway_service.ports import Ports
from gateway_service.returning_callers import EarlierNote

__all__ = ["TaskDetail", "task_detail"]


class ServiceRef(BaseModel):
    service_id: str
    service_name: str


class CallerDetail(BaseModel):
    display_name: str = Field(description='The name, "Anonymous" or "Not Available".')
    address: str | None
    details: dict[str, str] = Field(description="Company, postal address, e-mail… as known.")


class NamedValue(BaseModel):
    name: str
    value: str
    label: str | None = Field(
        default=None,
        description="What agents see for a custom parameter, where the service's owners set "
        'a label (ticket_id as "Ticket ID"); null for system fields and unlabelled ones.',
    )
    set_in: ServiceRef | None = Field(
        default=None,
        description="The service that set a custom parameter, where it is another service "
        "of the session than the task's (a transfer carried the value on: the product "
        'documentation\'s "German (from Service A)"); null otherwise.',
    )


class NamedLink(BaseModel):
    name: str
    url: str


class TranscriptLine(BaseModel):
    segment_id: str
    speaker: str
    text: str
    start_ms: int
    end_ms: int | None = Field(description="Null for a final transcript's line (it has none).")
    final: bool


class TranscriptDetail(BaseModel):
    state: str = Field(description="none, live, pending, available or expired.")
    lines: list[TranscriptLine]


class SavedWork(BaseModel):
    primary_code: CodeRef | None
    secondary_code: CodeRef | None
    tags: list[str]
    saved_by: str
    saved_at: datetime


class AcwDetail(BaseModel):
    enabled: bool = Field(
        description="The task takes codes and tags (Codes and Tags was on when it started)."
    )
    open: bool = Field(description="After-call work is due (handled, ended, not saved yet).")
    primary_codes: list[CodeRef]
    secondary_codes: list[CodeRef]
    saved: SavedWork | None


class TaskDetail(BaseModel):
    task: TaskView
    widgets: Widgets
    service: ServiceRef | None
    caller: CallerDetail | None
    session_details: list[NamedValue] | None
    context_links: list[NamedLink] | None
    map_url: str | None
    embedded_context_url: str | None = Field(
        description="The service's embedded page, its template as configured now: rendered "
        "with the live context while the task lives, with the context its service stored once "
        "it ended; null where the service stored none."
    )
    transcript: TranscriptDetail | None
    email: EmailDetail | None
    chat_url: str | None
    acw: AcwDetail | None
    earlier_notes: list[EarlierNote] = Field(
        default_factory=list,
        description="A live task's returning caller: the codes and tags the caller's earlier "
        "sessions left (same number or address; only sessions whose service stored context, "
        "within its 30 days), newest first, at most five; empty otherwise.",
    )


async def task_detail(
    resources: Ports,
    caller: Principal,
    view: TaskView,
    now: datetime,
    earlier: list[EarlierNote] | None = None,
) -> TaskDetail:
    settings = await _settings(resources, caller.tenant_id, view.service_id)
    widgets = settings.widgets if settings is not None else Widgets()
    live = view.state != "ended"
    panel = await _panel(resources, caller.tenant_id, view, live, now)
    on = widgets
    return TaskDetail(
        task=view,
        widgets=widgets,
        service=ServiceRef(service_id=settings.service_id, service_name=settings.service_name)
        if settings is not None
        else None,
        caller=_caller(panel, view) if on.caller_information else None,
        session_details=_session_details(
            panel, settings, await _other_services(resources, caller.tenant_id, panel, view)
        )
        if on.session_details
        else None,
        context_links=[NamedLink(name=link.name, url=link.url) for link in panel.links]
        if on.context_links
        else None,
        map_url=panel.map_url if on.map else None,
        embedded_context_url=panel.embedded_url if on.embedded_context else None,
        transcript=await _transcript(resources, caller.tenant_id, view, live, now)
        if on.transcription
        else None,
        email=await _email_of(resources, caller, view) if on.email else None,
        chat_url=str(view.chat_url) if on.chat and live and view.chat_url else None,
        acw=await _acw(resources, caller, view) if on.codes_and_tags else None,
        earlier_notes=earlier or [],
    )


async def _settings(
    resources: Ports, tenant_id: str, service_id: str | None
) -> ServiceSettings | None:
    """The service's settings now (all off for one never set); None for no service."""
    if service_id is None:
        return None
    found = await resources.service_settings.get(tenant_id, service_id)
    return found if found is not None else ServiceSettings.default(tenant_id, service_id)


async def _panel(
    resources: Ports, tenant_id: str, task: TaskView, live: bool, now: datetime
) -> Panel:
    """The context service's panel of the task's service. The transcript word is unused
    here (the task's own transcript is read by ``_transcript``)."""
    shown = await resources.context.panels(tenant_id, task.session_id, task.service_id, now)
    panel = next(
        (p for service, p in shown if task.service_id in (None, service)), not_available_panel()
    )
    if panel.status == "live" and not live:  # privacy: the call goes on without this agent
        return not_available_panel()
    return panel


async def _other_services(
    resources: Ports, tenant_id: str, panel: Panel, view: TaskView
) -> dict[str, str]:
    """The name of each service other than the task's that set a shown parameter, by id (its
    settings' name now; the id for a service never set): one read per such service, at
    most the services the session visited."""
    others = {f.source for f in panel.session_details if f.source not in (None, view.service_id)}
    names: dict[str, str] = {}
    for service_id in sorted(s for s in others if s is not None):
        found = await resources.service_settings.get(tenant_id, service_id)
        names[service_id] = found.service_name if found is not None else service_id
    return names


def _session_details(
    panel: Panel, settings: ServiceSettings | None, others: Mapping[str, str] | None = None
) -> list[NamedValue]:
    """The panel's fields; a custom parameter (one with a source service) carries the label
    the service's settings give it now, as the panel's templates are the ones set now, and
    the service that set it where that is one of ``others`` (id -> name)."""
    fields = settings.session_details_fields if settings is not None else None
    others = others or {}
    return [
        NamedValue(
            name=f.name,
            value=f.value,
            label=fields.label_of(f.name) if fields is not None and f.source is not None else None,
            set_in=_set_in(f.source, others),
        )
        for f in panel.session_details
    ]


def _set_in(source: str | None, others: Mapping[str, str]) -> ServiceRef | None:
    if source is None or source not in others:
        return None
    return ServiceRef(service_id=source, service_name=others[source])


def _caller(panel: Panel, view: TaskView) -> CallerDetail:
    """The panel's caller; where the task's service stored nothing but the caller is one of
    the tenant's own users, the name the directory has now (the list's row, composed from
    the UPN the queue kept: ``queue_service.view.with_stored_callers``), so the row and the
    detail say the same (the documentation's B: "John Doe (1)"). Its name and UPN only."""
    directory_user = view.state == "ended" and view.caller.source == "directory"
    if panel.status == "not_available" and directory_user:
        return CallerDetail(
            display_name=view.caller.display_name, address=view.caller.address, details={}
        )
    return CallerDetail(
        display_name=_caller_name(panel, view),
        address=panel.caller_address,
        details=dict(panel.caller_details),
    )


def _caller_name(panel: Panel, view: TaskView) -> str:
    """The panel's name, unless no source knew a live caller whom the session's own events
    named (the caller ID's name, an e-mail's or a chat's sender): then the list's name, so
    the row and the detail never disagree on who it is."""
    if panel.status == "live" and panel.caller == ANONYMOUS:
        named = view.caller.display_name
        if named not in (ANONYMOUS, NOT_AVAILABLE):
            return named
    return panel.caller


async def _transcript(
    resources: Ports, tenant_id: str, task: TaskView, live: bool, now: datetime
) -> TranscriptDetail:
    state: TranscriptState = await resources.context.transcript(
        tenant_id, task.session_id, task.user_session_id, now
    )
    if state.state == "live" and not live:  # captions of a call this agent is not on
        return TranscriptDetail(state="none", lines=[])
    lines = [
        TranscriptLine(
            segment_id=caption.segment_id,
            speaker=caption.speaker,
            text=caption.text,
            start_ms=caption.start_ms,
            end_ms=caption.end_ms,
            final=caption.final,
        )
        for caption in state.captions
    ] + [
        TranscriptLine(
            segment_id=f"line-{n}",
            speaker=line.speaker,
            text=line.text,
            start_ms=line.offset_ms,
            end_ms=None,
            final=True,
        )
        for n, line in enumerate(state.lines, start=1)
    ]
    return TranscriptDetail(state=state.state, lines=lines)


async def _email_of(resources: Ports, caller: Principal, view: TaskView) -> EmailDetail | None:
    """The rendered message of an e-mail task (``gateway_service.email``), or None."""
    return await email_detail(resources, caller, view)


async def _acw(resources: Ports, caller: Principal, task: TaskView) -> AcwDetail:
    versions = (
        await resources.acw.settings.history(caller.tenant_id, task.service_id)
        if task.service_id is not None
        else []
    )
    lists = code_lists(versions, task.started_at)
    found = await resources.saves.find(caller.tenant_id, task.user_session_id)
    saved = _saved(found) if found is not None and found["user_id"] == caller.user_id else None
    return AcwDetail(
        enabled=lists.codes_and_tags,
        open=task.open and saved is None,
        primary_codes=[CodeRef(id=code, label=label) for code, label in lists.primary.items()],
        secondary_codes=[CodeRef(id=code, label=label) for code, label in lists.secondary.items()],
        saved=saved,
    )


def _saved(document: Document) -> SavedWork:
    return SavedWork(
        primary_code=CodeRef.model_validate(document["primary_code"])
        if document["primary_code"]
        else None,
        secondary_code=CodeRef.model_validate(document["secondary_code"])
        if document["secondary_code"]
        else None,
        tags=list(document["tags"]),
        saved_by=document["saved_by"],
        saved_at=as_utc(document["saved_at"]),
    )
