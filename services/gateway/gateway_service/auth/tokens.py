"""Bearer tokens to principals. RS256 only, signature, expiry, issuer and audience checked.

``JwksVerifier`` takes keys from the provider's JWKS URL (PyJWT's ``PyJWKClient``, which
caches them and refetches on an unknown ``kid``); ``KeyVerifier`` takes one public key
(the demo's own). Both raise ``Unauthenticated`` with a message that names no claim value.
"""

import asyncio
from typing import Any, Protocol

import jwt
from contracts.base import Identifier
from pydantic import TypeAdapter, ValidationError

from gateway_service.auth.principal import ROLES, Principal, Role
from gateway_service.settings import GatewaySettings

_ALGORITHMS = ["RS256"]
_IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)


class Unauthenticated(Exception):
    """The request carries no valid token; the message is safe to show."""


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Principal: ...


class _ClaimsReader:
    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings

    def decode(self, token: str, key: Any) -> Principal:
        s = self._settings
        options = {"require": ["exp", "iat", s.user_claim]}
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=_ALGORITHMS,
                issuer=s.issuer,
                audience=s.audience,
                leeway=s.leeway_s,
                options=options,  # type: ignore[arg-type]
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.PyJWTError:
            raise Unauthenticated("the token is not valid") from None
        return self.principal(claims)

    def principal(self, claims: dict[str, Any]) -> Principal:
        s = self._settings
        tenant = _identifier(claims.get(s.tenant_claim), "tenant")
        user = _identifier(claims.get(s.user_claim), "user")
        roles = _strings(claims.get(s.roles_claim, []), "roles")
        services = _strings(claims.get(s.services_claim, []), "services")
        known: frozenset[Role] = frozenset(r for r in ROLES if r in roles)
        if not known:
            raise Unauthenticated("the token grants no role of this application")
        return Principal(
            tenant, user, known, frozenset(_identifier(x, "service") for x in services)
        )


def _identifier(value: object, what: str) -> str:
    try:
        return _IDENTIFIER.validate_python(value)
    except ValidationError:
        raise Unauthenticated(f"the token's {what} claim is missing or not an identifier") from None


def _strings(value: object, what: str) -> list[str]:
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Unauthenticated(f"the token's {what} claim is not a list of strings")
    if len(value) > 1000:
        raise Unauthenticated(f"the token's {what} claim is too long")
    return value


class KeyVerifier:
    """Verifies with one public key (the demo's local signing key)."""

    def __init__(self, settings: GatewaySettings, public_key: Any) -> None:
        self._reader = _ClaimsReader(settings)
        self._key = public_key

    async def verify(self, token: str) -> Principal:
        return self._reader.decode(token, self._key)


class JwksVerifier:
    """Verifies with the provider's keys, fetched from its JWKS URL and cached."""

    def __init__(self, settings: GatewaySettings) -> None:
        assert settings.jwks_url is not None
        self._reader = _ClaimsReader(settings)
        self._keys = jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=600, timeout=5)

    async def verify(self, token: str) -> Principal:
        try:
            # PyJWKClient fetches with urllib (blocking): off the event loop.
            signing = await asyncio.to_thread(self._keys.get_signing_key_from_jwt, token)
        except jwt.PyJWKClientConnectionError:
            raise Unauthenticated("the identity provider's keys cannot be fetched now") from None
        except jwt.PyJWTError:
            raise Unauthenticated("the token is not valid") from None
        return self._reader.decode(token, signing.key)
