"""Demo mode only: the public key as JWKS, the demo's ready users, and a token for one.

Never mounted in production (``create_app`` includes this router only when
``GATEWAY_MODE=demo``); a production gateway trusts its identity provider alone.
"""

from typing import Annotated, Any

from contracts.base import Identifier
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.auth.dependencies import Resourced
from gateway_service.auth.principal import Role
from gateway_service.errors import API_RESPONSES
from gateway_service.settings import DemoUser

router = APIRouter(
    prefix="/demo", tags=["demo"], responses={code: API_RESPONSES[code] for code in (400, 413)}
)


def signer(resources: Resourced) -> DemoSigner:
    if resources.demo is None:  # pragma: no cover - the router is only mounted in demo mode
        raise HTTPException(404, "not found")
    return resources.demo


class DemoTokenRequest(BaseModel):
    tenant_id: Identifier
    user_id: Identifier
    roles: list[Role] = Field(min_length=1, max_length=3)
    services: list[Identifier] = Field(default=[], max_length=100)


class DemoToken(BaseModel):
    access_token: str
    token_type: str = "Bearer"


@router.get("/jwks.json")
async def jwks(demo: Annotated[DemoSigner, Depends(signer)]) -> dict[str, Any]:
    return demo.jwks()


@router.post("/token", response_model=DemoToken)
async def token(
    request: DemoTokenRequest, demo: Annotated[DemoSigner, Depends(signer)]
) -> DemoToken:
    roles = tuple(dict.fromkeys(request.roles))
    return DemoToken(
        access_token=demo.token(request.tenant_id, request.user_id, roles, tuple(request.services))
    )


@router.get("/users", response_model=list[DemoUser])
async def users(resources: Resourced) -> list[DemoUser]:
    """The sign-ins the demo registered (what ``/signin`` lists); empty when none were."""
    signer(resources)
    return list(resources.settings.demo_users)
