"""Demo mode only: a local RSA key that signs the demo sign-in page's tokens.

Generated per process (nothing to leak, nothing to rotate); the gateway publishes its
public half at ``/demo/jwks.json`` so a token can be checked like a provider's.
"""

import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from gateway_service.auth.principal import Role
from gateway_service.settings import GatewaySettings

DEMO_KEY_ID = "demo-1"
DEMO_TOKEN_LIFETIME_S = 12 * 3600


@dataclass(frozen=True)
class DemoSigner:
    private_key: rsa.RSAPrivateKey
    settings: GatewaySettings

    @classmethod
    def generate(cls, settings: GatewaySettings) -> "DemoSigner":
        return cls(_process_key(), settings)

    @classmethod
    def with_new_key(cls, settings: GatewaySettings) -> "DemoSigner":
        """A signer no gateway of this process trusts (a foreign key, for tests)."""
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048), settings)

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def jwks(self) -> dict[str, Any]:
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.public_key, as_dict=True)
        return {"keys": [{**jwk, "kid": DEMO_KEY_ID, "use": "sig", "alg": "RS256"}]}

    def token(
        self,
        tenant_id: str,
        user_id: str,
        roles: tuple[Role, ...],
        services: tuple[str, ...] = (),
        lifetime_s: int = DEMO_TOKEN_LIFETIME_S,
        **extra: Any,
    ) -> str:
        s, now = self.settings, int(time.time())
        claims: dict[str, Any] = {
            s.tenant_claim: tenant_id,
            s.user_claim: user_id,
            s.roles_claim: list(roles),
            s.services_claim: list(services),
            "iat": now,
            "exp": now + lifetime_s,
            **extra,
        }
        if s.issuer:
            claims["iss"] = s.issuer
        if s.audience:
            claims["aud"] = s.audience
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": DEMO_KEY_ID})


@cache
def _process_key() -> rsa.RSAPrivateKey:
    """One key per process, as the module says: a 2048-bit key takes about 40 ms of CPU,
    and each gateway a process opens (tests open hundreds) made its own."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
