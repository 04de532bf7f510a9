"""Tenant admins: the stored context records and unprovisioning (the historical sessions,
from reporting's records joined with this stored context, are ``api.admin_history``'s).

Always the token's tenant: nothing in a request names another. The list shows what the
services that opted in (``store_context``) kept, with its expiry; an expired record is never
listed. Unprovisioning erases at once what is kept about a service or the whole tenant
(``gateway_service.unprovisioning``, as ``mysessions unprovision``); the request must carry
the id it erases, typed again (``confirm``), so a slip of the mouse erases nothing.
"""

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Annotated, Literal

from context_service.read import MAX_PAGE, MAX_SEARCH_CHARS, Position, StoredContext
from contracts.base import Identifier, UtcMillis
from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from gateway_service.auth.dependencies import Admin, Resourced
from gateway_service.errors import ERROR_RESPONSES, invalid

router = APIRouter(prefix="/api/v1/admin", tags=["tenant admin"], responses=ERROR_RESPONSES)

MAX_CURSOR_CHARS = 512


class StoredCaller(BaseModel):
    display_name: str | None = Field(description="Name or company; null when none is known.")
    address: str = Field(description="The number or UPN the session came with.")
    source: str = Field(description='Who matched the caller; "none" means anonymous.')


class StoredSession(BaseModel):
    session_id: str
    service_id: str
    service_name: str
    service_session_id: str
    caller: StoredCaller | None
    left_at: UtcMillis = Field(description="When the session left the service.")
    left_how: str
    stored_at: UtcMillis
    expires_at: UtcMillis = Field(description="Deleted then (30 days after stored_at).")


class StoredSessions(BaseModel):
    items: list[StoredSession]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null: last.")


class UnprovisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: Literal["service", "tenant"]
    service_id: Identifier | None = Field(
        default=None, description="The service to erase (scope service); null for the tenant."
    )
    confirm: str = Field(
        max_length=128, description="The service id (scope service) or tenant id, typed again."
    )
    dry_run: bool = Field(default=False, description="Only count; erase nothing.")


class Unprovisioned(BaseModel):
    scope: Literal["service", "tenant"]
    service_id: str | None
    dry_run: bool
    erased: dict[str, int] = Field(
        description="Kind of thing -> how many were erased (a dry run: would be), in the "
        "order of the stores: context, queue, reporting, e-mail, ingest, gateway."
    )


@router.get("/stored-sessions", response_model=StoredSessions)
async def stored_sessions(
    caller: Admin,
    resources: Resourced,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_SEARCH_CHARS,
            description="Part of a session id, service id or name, caller name or number.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS)] = None,
) -> StoredSessions:
    """The tenant's stored context across its services, most recently stored first."""
    after = _position(cursor) if cursor else None
    page = await resources.context.stored_sessions(
        caller.tenant_id, datetime.now(UTC), limit, after, q.strip() if q else None
    )
    return StoredSessions(
        items=[_item(record) for record in page.records],
        next_cursor=_cursor(page.next) if page.next else None,
    )


@router.post("/unprovision", response_model=Unprovisioned)
async def unprovision(
    request: UnprovisionRequest, caller: Admin, resources: Resourced
) -> Unprovisioned:
    """Erase everything kept about one service or the whole tenant; returns the counts per
    kind (``dry_run``: what would be erased, erasing nothing)."""
    if request.scope == "service" and request.service_id is None:
        raise invalid("service_id", "name the service to unprovision")
    if request.scope == "tenant" and request.service_id is not None:
        raise invalid("service_id", "must be null when the whole tenant is unprovisioned")
    expected = request.service_id if request.scope == "service" else caller.tenant_id
    if request.confirm != expected:
        what = "service id" if request.scope == "service" else "tenant id"
        raise invalid("confirm", f"type the {what} exactly to confirm; nothing was erased")
    erased = await resources.unprovision(
        caller.tenant_id, request.service_id, dry_run=request.dry_run
    )
    return Unprovisioned(
        scope=request.scope,
        service_id=request.service_id,
        dry_run=request.dry_run,
        erased=erased,
    )


def _item(record: StoredContext) -> StoredSession:
    caller = record.caller
    return StoredSession(
        session_id=record.session_id,
        service_id=record.service_id,
        service_name=record.service_name,
        service_session_id=record.service_session_id,
        caller=StoredCaller(
            display_name=caller.display_name or caller.company,
            address=caller.address,
            source=caller.source,
        )
        if caller is not None
        else None,
        left_at=record.left_at,
        left_how=record.left_how,
        stored_at=record.stored_at,
        expires_at=record.expires_at,
    )


def _cursor(position: Position) -> str:
    raw = json.dumps([position.stored_at.isoformat(), position.record_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _position(cursor: str) -> Position:
    """The cursor back; 422 for anything this list did not hand out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stored_at, record_id = json.loads(raw)
        instant = datetime.fromisoformat(stored_at)
        if not isinstance(record_id, str) or instant.tzinfo is None:
            raise ValueError(record_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise invalid("cursor", "not a cursor of this list", where="query") from None
    return Position(instant, record_id)
