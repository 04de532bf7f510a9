"""Tenant admins: the connector API's keys (``/api/v1/admin/connector-keys``).

A key is made for CRM flows (``connector.routes``), scoped to services and actions; its
secret is in the answer that creates it and nowhere else, ever (only a digest is kept).
Revoking keeps the key listed, marked revoked, so the admin sees what was cut off; the
key is refused from the next request on. Always the token's tenant.
"""

from datetime import UTC, datetime
from typing import Annotated

from contracts.base import Identifier, UtcMillis
from contracts.single_line import SingleLine
from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from gateway_service.auth.dependencies import Admin, Resourced
from gateway_service.connector.key_store import MAX_KEYS_PER_TENANT, TooManyKeys
from gateway_service.connector.keys import Action, ApiKey, new_key
from gateway_service.errors import ERROR_RESPONSES, ErrorBody, not_found

router = APIRouter(prefix="/api/v1/admin", tags=["tenant admin"], responses=ERROR_RESPONSES)

KeyName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True), SingleLine()
]
KeyId = Annotated[str, Path(min_length=24, max_length=24, pattern=r"^[0-9a-f]{24}$")]


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: KeyName = Field(description='What it is for, e.g. "Dynamics flow".')
    services: list[Identifier] = Field(
        min_length=1, max_length=50, description="The services whose sessions it may change."
    )
    actions: list[Action] = Field(min_length=1, max_length=3, description="What it may do.")


class KeyView(BaseModel):
    key_id: str
    name: str
    services: list[str]
    actions: list[Action]
    created_at: UtcMillis
    created_by: str
    revoked_at: UtcMillis | None
    last_used_at: UtcMillis | None = Field(description="Updated at most once a minute.")


class CreatedKey(KeyView):
    key: str = Field(description="The API key itself: shown this once, never again.")


class KeyList(BaseModel):
    items: list[KeyView]


@router.get("/connector-keys", response_model=KeyList, summary="The tenant's API keys")
async def list_keys(caller: Admin, resources: Resourced) -> KeyList:
    keys = await resources.connector.keys.list(caller.tenant_id)
    return KeyList(items=[_view(key) for key in keys])


@router.post(
    "/connector-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=CreatedKey,
    responses={409: {"model": ErrorBody, "description": f"Already {MAX_KEYS_PER_TENANT} keys."}},
    summary="Make an API key for CRM flows",
)
async def create_key(request: KeyRequest, caller: Admin, resources: Resourced) -> CreatedKey:
    made = new_key(
        caller.tenant_id,
        request.name,
        tuple(request.services),
        tuple(request.actions),
        caller.user_id,
        datetime.now(UTC),
    )
    try:
        await resources.connector.keys.add(made.record)
    except TooManyKeys as full:
        raise HTTPException(status.HTTP_409_CONFLICT, str(full)) from None
    return CreatedKey(**_view(made.record).model_dump(), key=made.secret)


@router.post(
    "/connector-keys/{key_id}/revoke",
    response_model=KeyView,
    responses={404: {"model": ErrorBody, "description": "The tenant has no such key."}},
    summary="Revoke an API key",
)
async def revoke_key(key_id: KeyId, caller: Admin, resources: Resourced) -> KeyView:
    revoked = await resources.connector.keys.revoke(caller.tenant_id, key_id, datetime.now(UTC))
    if revoked is None:
        raise not_found("key")
    return _view(revoked)


def _view(key: ApiKey) -> KeyView:
    return KeyView(
        key_id=key.key_id,
        name=key.name,
        services=list(key.services),
        actions=list(key.actions),
        created_at=key.created_at,
        created_by=key.created_by,
        revoked_at=key.revoked_at,
        last_used_at=key.last_used_at,
    )
