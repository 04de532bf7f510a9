"""Tenant admins' catalogs: code sets and conversation contexts, ``/api/v1/admin/...``.

Always the token's tenant. The rules are the contract's (``CodeSetSpec``,
``ConversationContextSpec``: those of a service's own codes and links) and the store's
(``catalog_store``: a version per write, compare-and-set, at most ``MAX_CATALOG_ITEMS`` of
each kind). Owners enable items by id in their services' settings (``api.owner``); a change
here reaches every service that enables the item within the workers' refresh. Removing an
item a service enables is refused (409) with the services named.

Item ids may hold ``/`` (``Identifier``): the path takes the rest of the URL, and
``/history`` is matched first (an id ending in ``/history`` cannot be read here).
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Final, TypeVar

from contracts import CodeSet, CodeSetSpec, ConversationContext, ConversationContextSpec
from contracts.base import Identifier
from fastapi import APIRouter, HTTPException, Path, Query, status
from mysessions_platform.service_settings.catalog_store import (
    CatalogFull,
    CatalogItemInUse,
    CatalogItemUnknown,
)
from mysessions_platform.service_settings.store import SettingsConflict
from pydantic import BaseModel, Field

from gateway_service.auth.dependencies import Admin, Resourced
from gateway_service.errors import ERROR_RESPONSES, invalid, not_found, responses
from gateway_service.ports import CatalogItems

router = APIRouter(prefix="/api/v1/admin", tags=["tenant admin"], responses=ERROR_RESPONSES)

MAX_HISTORY: Final = 500

ItemId = Annotated[Identifier, Path(description="The catalog item's id.")]
ItemT = TypeVar("ItemT", CodeSet, ConversationContext)
SpecT = TypeVar("SpecT", CodeSetSpec, ConversationContextSpec)


class CodeSetInUse(CodeSet):
    used_by: list[str] = Field(description="Ids of the services that enable it, sorted.")


class ConversationContextInUse(ConversationContext):
    used_by: list[str] = Field(description="Ids of the services that enable it, sorted.")


class AdminCatalogs(BaseModel):
    code_sets: list[CodeSetInUse]
    conversation_contexts: list[ConversationContextInUse]


@router.get("/catalogs", response_model=AdminCatalogs)
async def catalogs(caller: Admin, resources: Resourced) -> AdminCatalogs:
    """The tenant's code sets and conversation contexts, by id, each with its users."""
    services = await resources.service_settings.list(caller.tenant_id)

    def users(field: str, item_id: str) -> list[str]:
        return [s.service_id for s in services if item_id in getattr(s, field)]

    return AdminCatalogs(
        code_sets=[
            CodeSetInUse(**item.model_dump(), used_by=users("code_sets", item.id))
            for item in await resources.catalogs.code_sets.items(caller.tenant_id)
        ],
        conversation_contexts=[
            ConversationContextInUse(
                **item.model_dump(), used_by=users("conversation_contexts", item.id)
            )
            for item in await resources.catalogs.contexts.items(caller.tenant_id)
        ],
    )


@router.get("/code-sets/{item_id:path}/history", response_model=list[CodeSet])
async def code_set_history(
    item_id: ItemId,
    caller: Admin,
    resources: Resourced,
    limit: Annotated[int, Query(ge=1, le=MAX_HISTORY)] = 100,
) -> list[CodeSet]:
    """The code set's versions, newest first (a removal is one); empty if never defined."""
    return _newest_first(await resources.catalogs.code_sets.history(caller.tenant_id, item_id))[
        :limit
    ]


@router.put("/code-sets/{item_id:path}", response_model=CodeSet, responses=responses(409))
async def put_code_set(
    item_id: ItemId, spec: CodeSetSpec, caller: Admin, resources: Resourced
) -> CodeSet:
    """Define or change a code set (unchanged: no version). 422 names the field: ``id``
    not the URL's, any rule of ``CodeSetSpec``, or the tenant's catalog full."""
    return await _put(resources.catalogs.code_sets, caller.tenant_id, item_id, spec)


@router.delete("/code-sets/{item_id:path}", response_model=CodeSet, responses=responses(404, 409))
async def delete_code_set(item_id: ItemId, caller: Admin, resources: Resourced) -> CodeSet:
    """Remove a code set: 409 naming the services while any enables it; 404 if none."""
    return await _remove(resources.catalogs.code_sets, caller.tenant_id, item_id)


@router.get(
    "/conversation-contexts/{item_id:path}/history", response_model=list[ConversationContext]
)
async def context_history(
    item_id: ItemId,
    caller: Admin,
    resources: Resourced,
    limit: Annotated[int, Query(ge=1, le=MAX_HISTORY)] = 100,
) -> list[ConversationContext]:
    """The context's versions, newest first (a removal is one); empty if never defined."""
    versions = await resources.catalogs.contexts.history(caller.tenant_id, item_id)
    return _newest_first(versions)[:limit]


@router.put(
    "/conversation-contexts/{item_id:path}",
    response_model=ConversationContext,
    responses=responses(409),
)
async def put_context(
    item_id: ItemId, spec: ConversationContextSpec, caller: Admin, resources: Resourced
) -> ConversationContext:
    """Define or change a conversation context (unchanged: no version). 422 names the
    field: ``id`` not the URL's, any rule of ``ConversationContextSpec`` (URL templates as
    everywhere), or the tenant's catalog full."""
    return await _put(resources.catalogs.contexts, caller.tenant_id, item_id, spec)


@router.delete(
    "/conversation-contexts/{item_id:path}",
    response_model=ConversationContext,
    responses=responses(404, 409),
)
async def delete_context(
    item_id: ItemId, caller: Admin, resources: Resourced
) -> ConversationContext:
    """Remove a conversation context: 409 naming the services while any enables it."""
    return await _remove(resources.catalogs.contexts, caller.tenant_id, item_id)


async def _put(
    items: CatalogItems[ItemT, SpecT], tenant_id: str, item_id: str, spec: SpecT
) -> ItemT:
    if spec.id != item_id:
        raise invalid("id", "must be the item of the URL")
    try:
        change = await items.apply(tenant_id, spec, datetime.now(UTC))
    except CatalogFull as full:
        raise invalid("id", str(full)) from None
    except SettingsConflict:
        raise _conflict() from None
    return change.settings


async def _remove(items: CatalogItems[ItemT, SpecT], tenant_id: str, item_id: str) -> ItemT:
    try:
        return await items.remove(tenant_id, item_id, datetime.now(UTC))
    except CatalogItemUnknown:
        raise not_found("catalog item") from None
    except CatalogItemInUse as in_use:
        raise HTTPException(status.HTTP_409_CONFLICT, str(in_use)) from None
    except SettingsConflict:
        raise _conflict() from None


def _conflict() -> HTTPException:
    return HTTPException(
        status.HTTP_409_CONFLICT, "the item changed meanwhile; reload and try again"
    )


def _newest_first(versions: Sequence[ItemT]) -> list[ItemT]:
    return list(versions)[::-1]
