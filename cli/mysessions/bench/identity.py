"""A stand-in identity provider for the benchmark's gateway: an RSA key of its own, its
JWKS served on a loopback port, and RS256 tokens for any agent. The gateway runs in its
production mode, trusting this issuer alone, so every agent of the workload gets a live
stream (demo mode registers at most 50 sign-ins)."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://bench.mysessions.invalid/"
AUDIENCE = "mysessions-bench"
KEY_ID = "bench-1"


@dataclass(frozen=True)
class Identity:
    jwks_url: str
    key: rsa.RSAPrivateKey

    def token(self, tenant_id: str, user_id: str) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": user_id,
            "tenant_id": tenant_id,
            "roles": ["agent"],
            "iat": now,
            "exp": now + 3600,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def gateway_environment(self) -> dict[str, str]:
        return {
            "GATEWAY_MODE": "production",
            "GATEWAY_JWKS_URL": self.jwks_url,
            "GATEWAY_ISSUER": ISSUER,
            "GATEWAY_AUDIENCE": AUDIENCE,
        }


def _jwks(key: rsa.RSAPrivateKey) -> bytes:
    public: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    public |= {"kid": KEY_ID, "alg": "RS256", "use": "sig"}
    return json.dumps({"keys": [public]}).encode()


@contextmanager
def identity() -> Iterator[Identity]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = _jwks(key)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Identity(f"http://127.0.0.1:{server.server_address[1]}/jwks.json", key)
    finally:
        server.shutdown()
        server.server_close()
