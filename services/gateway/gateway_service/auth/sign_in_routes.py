"""``GET /auth/config``: how the page signs in, read before it has a token.

Public by design: it tells what any browser learns by following the sign-in anyway (the
provider's issuer, the page's public client id, the scopes and the resource it asks for),
and nothing secret (a public client has no secret). In demo mode it says only ``demo``: the
page then signs in at ``/signin``.
"""

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from gateway_service.auth.dependencies import Resourced
from gateway_service.settings import Mode

router = APIRouter(prefix="/auth", include_in_schema=False)


class SignInConfig(BaseModel):
    mode: Mode
    issuer: str | None = Field(
        default=None, description="The provider's issuer (production, with a page client)."
    )
    client_id: str | None = None
    scope: str | None = None
    resource: str | None = None
    redirect_path: Literal["/auth/callback"] = "/auth/callback"
    post_logout_path: Literal["/auth/signed-out"] = "/auth/signed-out"


@router.get("/config", response_model=SignInConfig)
async def sign_in_config(resources: Resourced, response: Response) -> SignInConfig:
    s = resources.settings
    # Settings change with a restart; the page must never sign in with a stale copy.
    response.headers["Cache-Control"] = "no-store"
    issuer = s.sign_in_issuer
    if issuer is None:
        return SignInConfig(mode=s.mode)
    return SignInConfig(
        mode=s.mode,
        issuer=issuer,
        client_id=s.oidc_client_id,
        scope=s.oidc_scopes,
        resource=s.oidc_resource,
    )
