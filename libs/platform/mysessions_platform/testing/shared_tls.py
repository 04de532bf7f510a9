"""One default TLS context per test process for every httpx client (a pytest plugin).

httpx builds an ``ssl.SSLContext`` for each client it opens and loads certifi's bundle into
it (about 20 ms of CPU), though the suite's clients speak plain HTTP to 127.0.0.1: hundreds
of gateways, seeders and API clients per worker made it about 5 % of an integration test's
CPU. A context is safe to share between clients and connections; the default one (verify on,
no client certificate, the same environment) is built once here. Any other verify or cert
is built as httpx builds it.
"""

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import httpx
import httpx._transports.default as transports

_build: Callable[..., Any] = httpx.create_ssl_context


@cache
def _default(trust_env: bool, cert_file: str | None, cert_dir: str | None) -> Any:
    return _build(verify=True, cert=None, trust_env=trust_env)


def _shared(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
    if verify is True and cert is None:
        return _default(trust_env, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    return _build(verify=verify, cert=cert, trust_env=trust_env)


def pytest_configure() -> None:
    # The name httpx's transports call (imported there from httpx._config).
    setattr(transports, "create_ssl_context", _shared)  # noqa: B010
