"""Production mode's start-up refusals and its absent docs pages, in process (moved from
``integration/test_production_tokens.py``, which keeps the tests that fetch a real JWKS)."""

from typing import Any

import pytest

from .in_process import ISSUER, in_process_gateway

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "unsafe",
    [
        {"issuer": None},
        {"audience": None},
        {"jwks_url": "http://idp.example.com/jwks.json"},
        {"mode": "demo"},  # demo mode beside a production identity provider
    ],
)
async def test_a_gateway_with_unsafe_sign_in_settings_does_not_start(
    unsafe: dict[str, Any],
) -> None:
    """Also when the settings were changed after validation (``model_copy``)."""
    with pytest.raises(ValueError, match="GATEWAY_"):
        async with in_process_gateway(**unsafe):
            pass  # pragma: no cover - never started


async def test_production_serves_no_docs_pages_but_its_openapi() -> None:
    """FastAPI's /docs and /redoc load scripts from a public CDN without integrity, outside
    the page's CSP: neither exists, in production or demo mode."""
    for demo in (False, True):
        async with in_process_gateway(demo=demo) as running, running.anonymous() as client:
            assert (running.settings.mode == "demo") is demo
            assert (running.settings.issuer == ISSUER) is not demo
            docs = [(await client.get(path)).status_code for path in ("/docs", "/redoc")]
            schema = await client.get("/openapi.json")
        assert docs == [404, 404]
        assert schema.status_code == 200
