"""Demo mode only: the public key as JWKS, the demo's ready users, and a token for one.

Never mounted in production (``create_app`` includes this router only when
``GATEWAY_MODE=demo``); a production gateway trusts its identity provider alone. The token
route signs only a registered demo user (``GATEWAY_DEMO_USERS``), with exactly the claims
registered for it: the request names which user, never what the token says, so reaching a
demo port never mints a role or a tenant the demo did not offer.
"""

from typing import Annotated, Any

from contracts.base import Identifier
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict

from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.auth.dependencies import Resourced
from gateway_service.errors import API_RESPONSES, ErrorBody
from gateway_service.settings import DemoUser

router = APIRouter(
    prefix="/demo", tags=["demo"], responses={code: API_RESPONSES[code] for code in (400, 413)}
)


def signer(resources: Resourced) -> DemoSigner:
    if resources.demo is None:  # pragma: no cover - the router is only mounted in demo mode
        raise HTTPException(404, "not found")
    return resources.demo


class DemoTokenRequest(BaseModel):
    """Which registered demo user to sign in; other fields (roles, services) are refused."""

    model_config = ConfigDict(extra="forbid")

    tenant_id: Identifier
    user_id: Identifier


class DemoToken(BaseModel):
    access_token: str
    token_type: str = "Bearer"


@router.get("/jwks.json")
async def jwks(demo: Annotated[DemoSigner, Depends(signer)]) -> dict[str, Any]:
    return demo.jwks()


@router.post(
    "/token",
    response_model=DemoToken,
    responses={404: {"model": ErrorBody, "description": "No such demo user is registered."}},
)
async def token(request: DemoTokenRequest, resources: Resourced) -> DemoToken:
    demo = signer(resources)
    user = registered(resources.settings.demo_users, request.tenant_id, request.user_id)
    if user is None:
        raise HTTPException(404, "no such demo user: this gateway signs in its demo users only")
    roles = tuple(dict.fromkeys(user.roles))
    return DemoToken(
        access_token=demo.token(user.tenant_id, user.user_id, roles, tuple(user.services))
    )


def registered(users: list[DemoUser], tenant_id: str, user_id: str) -> DemoUser | None:
    return next((u for u in users if (u.tenant_id, u.user_id) == (tenant_id, user_id)), None)


@router.get("/users", response_model=list[DemoUser])
async def users(resources: Resourced) -> list[DemoUser]:
    """The sign-ins the demo registered (what ``/signin`` lists); empty when none were."""
    signer(resources)
    return list(resources.settings.demo_users)
