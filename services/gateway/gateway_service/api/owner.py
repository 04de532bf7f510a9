"""Service owners' settings: ``/api/v1/owner/...``, on the versioned settings store.

Only services in the token's ``services`` claim (``Principal.owns``), only in the token's
tenant: a body naming another tenant or service is refused (422 naming the field) and
nothing is applied. The rules are those of ``mysessions settings apply`` (the same
``ServiceSettingsSpec``, the same store, so a screen and a file cannot disagree), plus one
the file has no way to ask: switching ``store_context`` on needs ``confirm_store_context``,
the answer to the warning the screen shows first (``GET .../store-context-warning``).

Service ids may hold ``/`` (``Identifier``): the path takes the rest of the URL, and
``/history`` is matched first, so a service whose id itself ends in ``/history`` cannot
be read here (a documented corner, not a silent one).
"""

from datetime import UTC, datetime
from typing import Annotated, Final

from contracts import (
    CodeSet,
    ConversationContext,
    ServiceSettings,
    ServiceSettingsSpec,
)
from contracts.base import Identifier
from fastapi import APIRouter, HTTPException, Path, Query, status
from fastapi.exceptions import RequestValidationError
from mysessions_platform.service_settings.store import SettingsConflict
from pydantic import BaseModel, Field

from gateway_service.auth.dependencies import Owner, Resourced
from gateway_service.auth.principal import Principal
from gateway_service.errors import ERROR_RESPONSES, forbidden, invalid, responses
from gateway_service.ports import Ports

router = APIRouter(prefix="/api/v1/owner", tags=["service owner"], responses=ERROR_RESPONSES)

RETENTION_DAYS: Final = 30
STORE_CONTEXT_WARNING: Final = (
    "Storing conversation context keeps what was known about every session that leaves "
    "this service: the caller's details (name, number or address, company, e-mail), the "
    "session details and the custom parameters. It is kept for 30 days, then deleted, "
    "and your tenant's administrators can see it in the historical sessions list. It is "
    "not retroactive: only sessions that leave this service after you switch it on are "
    "kept. It applies to this service only."
)
"""What the product documentation says the opt-in means, in plain words."""

MAX_HISTORY: Final = 500

ServiceId = Annotated[Identifier, Path(description="An owned service's id.")]


class SettingsUpdate(ServiceSettingsSpec):
    """A service's new settings: ``ServiceSettingsSpec``, and the answer to the warning."""

    confirm_store_context: bool = Field(
        default=False,
        description="Must be true to switch store_context on (the caller has read "
        "GET /api/v1/owner/store-context-warning). Ignored otherwise.",
    )

    def spec(self) -> ServiceSettingsSpec:
        return ServiceSettingsSpec.model_validate(
            self.model_dump(include=set(ServiceSettingsSpec.model_fields))
        )


class OwnerCatalogs(BaseModel):
    """The tenant's catalog items an owner may enable (read only: admins edit them)."""

    code_sets: list[CodeSet]
    conversation_contexts: list[ConversationContext]


class StoreContextWarning(BaseModel):
    warning: str
    retention_days: int


def _owned(caller: Principal, service_id: str) -> None:
    if not caller.owns(service_id):
        # The same answer whether or not the service exists or has settings.
        raise forbidden("you are not an owner of this service")


@router.get("/store-context-warning", response_model=StoreContextWarning)
async def store_context_warning(caller: Owner) -> StoreContextWarning:
    """What switching store_context on means; shown before the switch is saved."""
    return StoreContextWarning(warning=STORE_CONTEXT_WARNING, retention_days=RETENTION_DAYS)


@router.get("/catalogs", response_model=OwnerCatalogs)
async def catalogs(caller: Owner, resources: Resourced) -> OwnerCatalogs:
    """The token's tenant's code sets and conversation contexts, by id, to enable by id in
    a service's ``code_sets`` and ``conversation_contexts``."""
    return OwnerCatalogs(
        code_sets=await resources.catalogs.code_sets.items(caller.tenant_id),
        conversation_contexts=await resources.catalogs.contexts.items(caller.tenant_id),
    )


@router.get("/services", response_model=list[ServiceSettings])
async def owned_services(caller: Owner, resources: Resourced) -> list[ServiceSettings]:
    """Every owned service, by id; one never set shows its all-off default (version 0)."""
    stored = {
        settings.service_id: settings
        for settings in await resources.service_settings.list(caller.tenant_id)
    }
    return [
        stored.get(service_id) or ServiceSettings.default(caller.tenant_id, service_id)
        for service_id in sorted(caller.services)
    ]


@router.get(
    "/services/{service_id:path}/history",
    response_model=list[ServiceSettings],
    responses=responses(403, 404),
)
async def service_history(
    service_id: ServiceId,
    caller: Owner,
    resources: Resourced,
    limit: Annotated[int, Query(ge=1, le=MAX_HISTORY)] = 100,
) -> list[ServiceSettings]:
    """The service's versions, newest first (at most ``limit``); empty if never set."""
    _owned(caller, service_id)
    versions = await resources.service_settings.history(caller.tenant_id, service_id)
    return versions[::-1][:limit]


@router.get(
    "/services/{service_id:path}", response_model=ServiceSettings, responses=responses(403, 404)
)
async def service(service_id: ServiceId, caller: Owner, resources: Resourced) -> ServiceSettings:
    _owned(caller, service_id)
    found = await resources.service_settings.get(caller.tenant_id, service_id)
    return found or ServiceSettings.default(caller.tenant_id, service_id)


@router.put(
    "/services/{service_id:path}",
    response_model=ServiceSettings,
    responses=responses(403, 404, 409),
)
async def update_service(
    service_id: ServiceId, update: SettingsUpdate, caller: Owner, resources: Resourced
) -> ServiceSettings:
    """Store the settings as the service's next version (unchanged settings: no version).

    422 names the field: ``tenant_id`` or ``service_id`` not the token's or the path's,
    ``confirm_store_context`` missing when store_context is switched on (its message is
    the warning), an enabled catalog item the tenant does not have, or any rule of
    ``ServiceSettingsSpec``."""
    _owned(caller, service_id)
    if update.tenant_id != caller.tenant_id:
        raise invalid("tenant_id", "must be your own tenant (the token's)")
    if update.service_id != service_id:
        raise invalid("service_id", "must be the service of the URL")
    await _catalog_items_exist(resources, caller.tenant_id, update)
    store = resources.service_settings
    current = await store.get(caller.tenant_id, service_id)
    switching_on = update.store_context and not (current is not None and current.store_context)
    if switching_on and not update.confirm_store_context:
        raise invalid("confirm_store_context", STORE_CONTEXT_WARNING)
    try:
        change = await store.apply(update.spec(), datetime.now(UTC))
    except SettingsConflict:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "the settings changed meanwhile; reload and try again"
        ) from None
    return change.settings


async def _catalog_items_exist(resources: Ports, tenant_id: str, update: SettingsUpdate) -> None:
    """Owners enable, never define: every id must be an item of the token's tenant now
    (each one that is not is named by its position, in one answer)."""
    problems: list[dict[str, object]] = []
    for field, items in (
        ("code_sets", resources.catalogs.code_sets),
        ("conversation_contexts", resources.catalogs.contexts),
    ):
        enabled: tuple[str, ...] = getattr(update, field)
        if not enabled:
            continue
        known = {item.id for item in await items.items(tenant_id)}
        problems.extend(
            {
                "loc": ("body", field, position),
                "msg": "no such item in your tenant's catalog",
                "type": "value_error",
            }
            for position, item_id in enumerate(enabled)
            if item_id not in known
        )
    if problems:
        raise RequestValidationError(problems)
