"""Every route under /api, in process: no token, a token of another issuer or audience,
an expired or foreign-signed one is 401 before any port is read; a token without the
route's role is 403. Routes are walked from the app, so a route added later is covered."""

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.auth.principal import ROLES

from .in_process import ISSUER, InProcessGateway

pytestmark = pytest.mark.unit

CONNECTOR = "/api/v1/connector/"
"""Taken with a tenant API key only (``connector.auth``): a user's token, of any role, is
refused there like no token at all."""
ROLE_OF_PREFIX = (
    (CONNECTOR, None),
    ("/api/v1/owner/", "service_owner"),
    ("/api/v1/admin/", "tenant_admin"),
    ("/api/v1/me", None),
    ("/api/v1/", "agent"),
)
"""The role each part of the API needs (``/me``: any role of the application)."""


def api_routes(gateway: InProcessGateway) -> list[tuple[str, str]]:
    """(method, path with every parameter filled) of every route under /api."""
    found: list[tuple[str, str]] = []
    # Included routers are walked as FastAPI itself walks them (with their prefixes).
    for context in iter_route_contexts(gateway.app.routes):
        path = context.path or ""
        if path.startswith("/api/"):
            assert isinstance(context.original_route, APIRoute), path
            filled = re.sub(r"\{[^}]+\}", "x1", path)
            found.extend((method, filled) for method in sorted(context.methods or ()))
    return found


def needed_role(path: str) -> str | None:
    return next(role for prefix, role in ROLE_OF_PREFIX if path.startswith(prefix))


async def test_the_walk_finds_every_part_of_the_api(gateway: InProcessGateway) -> None:
    paths = {path for _, path in api_routes(gateway)}
    for part in ("/api/v1/tasks", "/api/v1/owner/services", "/api/v1/admin/unprovision"):
        assert part in paths
    assert len(paths) >= 12


async def test_every_api_route_refuses_a_missing_or_unverifiable_token(
    gateway: InProcessGateway,
) -> None:
    roles = ROLES
    other_issuer = gateway.signer_of("https://other-issuer.test").token("acme", "alice", roles)
    other_audience = DemoSigner(
        gateway.signer.private_key, gateway.settings.model_copy(update={"audience": "other"})
    ).token("acme", "alice", roles)
    expired = gateway.signer.token("acme", "alice", roles, lifetime_s=-3600)
    foreign_key = DemoSigner.with_new_key(gateway.settings).token("acme", "alice", roles)
    refused = [None, "Bearer not-a-jwt", "Basic YWxpY2U6eA=="] + [
        f"Bearer {token}" for token in (other_issuer, other_audience, expired, foreign_key)
    ]
    async with gateway.anonymous() as client:
        for method, path in api_routes(gateway):
            for authorization in refused:
                headers = {"Authorization": authorization} if authorization else {}
                answer = await client.request(method, path, headers=headers, json={})
                assert answer.status_code == 401, (method, path, authorization, answer.text)
                challenge = "ApiKey" if path.startswith(CONNECTOR) else "Bearer"
                assert answer.headers["www-authenticate"].split()[0] == challenge
    assert gateway.fakes.requests.counts == {}, "nothing counted before the caller is known"


async def test_the_connector_routes_refuse_a_valid_user_token_of_every_role(
    gateway: InProcessGateway,
) -> None:
    connector = [(m, p) for m, p in api_routes(gateway) if p.startswith(CONNECTOR)]
    assert len(connector) >= 4
    async with gateway.client("acme", "alice", ROLES, ("x1",)) as client:
        for method, path in connector:
            answer = await client.request(method, path, json={})
            assert answer.status_code == 401, (method, path, answer.text)
            assert "not a user token" in answer.json()["detail"]
    assert gateway.fakes.keys.uses == 0


async def test_the_configured_issuer_is_accepted(gateway: InProcessGateway) -> None:
    assert gateway.settings.issuer == ISSUER
    async with gateway.client("acme", "alice", ("agent", "service_owner"), ("sales",)) as client:
        answer = await client.get("/api/v1/me")
    assert answer.status_code == 200
    assert answer.json() == {
        "tenant_id": "acme",
        "user_id": "alice",
        "roles": ["agent", "service_owner"],
        "services": ["sales"],
    }


async def test_every_api_route_refuses_a_caller_without_its_role(
    gateway: InProcessGateway,
) -> None:
    for method, path in api_routes(gateway):
        role = needed_role(path)
        if role is None:
            continue
        others = tuple(r for r in ROLES if r != role)
        async with gateway.client("acme", "alice", others, ("x1",)) as client:
            answer = await client.request(method, path, json={})
        assert answer.status_code == 403, (method, path, answer.text)
        assert role.replace("_", " ").split()[-1] in answer.json()["detail"]


async def test_a_token_granting_no_role_of_the_application_is_401(
    gateway: InProcessGateway,
) -> None:
    no_role = gateway.signer.token("acme", "alice", ())
    bad_tenant = gateway.signer.token("has space", "alice", ("agent",))
    async with gateway.anonymous() as client:
        for token in (no_role, bad_tenant):
            answer = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401, answer.text
            assert "acme" not in answer.text
            assert "has space" not in answer.text
