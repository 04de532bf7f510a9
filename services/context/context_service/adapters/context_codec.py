"""Live and stored context to and from plain documents (JSON in Redis, BSON in MongoDB).

Parameters are a list of ``{name, value, service_id, service_session_id}``, not a mapping:
display names may hold ``.`` or start with ``$``, which MongoDB refuses as field names.
"""

from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any, cast

from mysessions_platform.mongo import as_utc

from context_service.domain import Caller, LiveContext, Parameter, Stay, StoredContext
from context_service.domain.live_context import LeftHow

Document = dict[str, Any]

__all__ = [
    "caller_document",
    "caller_from",
    "live_document",
    "live_from",
    "stored_document",
    "stored_from",
]

_CALLER_FIELDS = tuple(f.name for f in fields(Caller))


def _time(value: datetime | None, *, iso: bool) -> Any:
    if value is None or not iso:
        return value
    return value.astimezone(UTC).isoformat()


def _parse(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    return datetime.fromisoformat(cast(str, value))


def caller_document(caller: Caller | None) -> Document | None:
    return None if caller is None else {k: v for k, v in asdict(caller).items() if v is not None}


def caller_from(document: Document | None) -> Caller | None:
    if document is None:
        return None
    return Caller(**{k: v for k, v in document.items() if k in _CALLER_FIELDS})


def _parameters_document(parameters: Any) -> list[Document]:
    return [
        {
            "name": name,
            "value": p.value,
            "service_id": p.service_id,
            "service_session_id": p.service_session_id,
        }
        for name, p in parameters.items()
    ]


def _parameters_from(items: list[Document]) -> dict[str, Parameter]:
    return {
        item["name"]: Parameter(item["value"], item.get("service_id"), item["service_session_id"])
        for item in items
    }


def live_document(context: LiveContext) -> Document:
    return {
        "tenant_id": context.tenant_id,
        "session_id": context.session_id,
        "started_at": _time(context.started_at, iso=True),
        "modality": context.modality,
        "direction": context.direction,
        "caller_address": context.caller_address,
        "caller_kind": context.caller_kind,
        "caller_name": context.caller_name,
        "caller": caller_document(context.caller),
        "service_upn": context.service_upn,
        "first_service": list(context.first_service) if context.first_service else None,
        "parameters": _parameters_document(context.parameters),
        "stays": [
            {
                "service_session_id": s.service_session_id,
                "service_id": s.service_id,
                "service_name": s.service_name,
                "entered_at": _time(s.entered_at, iso=True),
                "left_at": _time(s.left_at, iso=True),
                "left_how": s.left_how,
            }
            for s in context.stays
        ],
        "seen": list(context.seen),
    }


def live_from(document: Document) -> LiveContext:
    first = document.get("first_service")
    return LiveContext(
        tenant_id=document["tenant_id"],
        session_id=document["session_id"],
        started_at=_parse(document.get("started_at")),
        modality=document.get("modality"),
        direction=document.get("direction"),
        caller_address=document.get("caller_address"),
        caller_kind=document.get("caller_kind"),
        caller_name=document.get("caller_name"),
        caller=caller_from(document.get("caller")),
        service_upn=document.get("service_upn"),
        first_service=(first[0], first[1]) if first else None,
        parameters=_parameters_from(document.get("parameters", [])),
        stays=tuple(
            Stay(
                s["service_session_id"],
                s["service_id"],
                s["service_name"],
                cast(datetime, _parse(s["entered_at"])),
                _parse(s.get("left_at")),
                cast(LeftHow | None, s.get("left_how")),
            )
            for s in document.get("stays", [])
        ),
        seen=tuple(document.get("seen", [])),
    )


def stored_document(record: StoredContext) -> Document:
    return {
        "tenant_id": record.tenant_id,
        "session_id": record.session_id,
        "service_session_id": record.service_session_id,
        "service_id": record.service_id,
        "service_name": record.service_name,
        "left_at": record.left_at,
        "left_how": record.left_how,
        "started_at": record.started_at,
        "modality": record.modality,
        "direction": record.direction,
        "service_upn": record.service_upn,
        "caller": caller_document(record.caller),
        "parameters": _parameters_document(record.parameters),
        "stored_at": record.stored_at,
        "expires_at": record.expires_at,
    }


def stored_from(document: Document) -> StoredContext:
    return StoredContext(
        tenant_id=document["tenant_id"],
        session_id=document["session_id"],
        service_session_id=document["service_session_id"],
        service_id=document["service_id"],
        service_name=document["service_name"],
        left_at=cast(datetime, _parse(document["left_at"])),
        left_how=document["left_how"],
        started_at=_parse(document.get("started_at")),
        modality=document.get("modality"),
        direction=document.get("direction"),
        service_upn=document.get("service_upn"),
        caller=caller_from(document.get("caller")),
        parameters=_parameters_from(document.get("parameters", [])),
        stored_at=cast(datetime, _parse(document["stored_at"])),
        expires_at=cast(datetime, _parse(document["expires_at"])),
    )
