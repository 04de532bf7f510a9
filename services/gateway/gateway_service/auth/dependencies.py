"""FastAPI dependencies: the resources, the caller, and role checks.

Every route under /api declares one of ``agent``, ``owner`` or ``admin`` (or
``principal``): a route without one would be open, and the authorization test walks every
route of the app to prove none is.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gateway_service.auth.principal import Principal, Role
from gateway_service.auth.tokens import Unauthenticated
from gateway_service.errors import forbidden, unauthenticated
from gateway_service.ports import Ports

_bearer = HTTPBearer(auto_error=False, description="An RS256 JWT from the identity provider.")
MAX_TOKEN_CHARS = 16_384


def resources(request: Request) -> Ports:
    found: Ports = request.app.state.resources
    return found


async def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthenticated("sign in: a bearer token is required")
    if len(credentials.credentials) > MAX_TOKEN_CHARS:
        raise unauthenticated("the token is not valid")
    try:
        caller = await resources(request).verifier.verify(credentials.credentials)
    except Unauthenticated as refusal:
        raise unauthenticated(str(refusal)) from None
    request.state.principal = caller  # the rate limiter keys writes by it
    return caller


def _requires(role: Role, label: str) -> object:
    async def check(caller: Annotated[Principal, Depends(principal)]) -> Principal:
        if not caller.has(role):
            raise forbidden(f"this needs the {label} role")
        return caller

    return check


Resourced = Annotated[Ports, Depends(resources)]
Caller = Annotated[Principal, Depends(principal)]
Agent = Annotated[Principal, Depends(_requires("agent", "agent"))]
Owner = Annotated[Principal, Depends(_requires("service_owner", "service owner"))]
Admin = Annotated[Principal, Depends(_requires("tenant_admin", "tenant admin"))]
