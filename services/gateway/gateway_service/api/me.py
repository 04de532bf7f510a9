"""``GET /api/v1/me``: who the token says the caller is (what the page shows and offers)."""

from fastapi import APIRouter
from pydantic import BaseModel

from gateway_service.auth.dependencies import Caller
from gateway_service.auth.principal import Role
from gateway_service.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["me"], responses=ERROR_RESPONSES)


class Me(BaseModel):
    tenant_id: str
    user_id: str
    roles: list[Role]
    services: list[str]


@router.get("/me", response_model=Me)
async def me(caller: Caller) -> Me:
    return Me(
        tenant_id=caller.tenant_id,
        user_id=caller.user_id,
        roles=sorted(caller.roles),
        services=sorted(caller.services),
    )
