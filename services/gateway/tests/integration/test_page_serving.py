"""The page's files: served by name from the static folder only, with strict headers."""

import httpx
import pytest
from gateway_service.page.security import CONTENT_SECURITY_POLICY
from gateway_service.testing import RunningGateway, running_gateway

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/", "text/html"),
        ("/signin", "text/html"),
        ("/static/app.js", "text/javascript"),
        ("/static/common.js", "text/javascript"),
        ("/static/app.css", "text/css"),
        ("/settings", "text/html"),
        ("/admin", "text/html"),
        ("/static/settings.js", "text/javascript"),
        ("/static/screens.js", "text/javascript"),
        ("/static/screens.css", "text/css"),
    ],
)
async def test_page_files_carry_the_security_headers(
    gateway: RunningGateway, path: str, media_type: str
) -> None:
    async with httpx.AsyncClient(base_url=gateway.base_url) as client:
        answer = await client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media_type)
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


def test_the_policy_allows_no_inline_script_and_no_framing() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["frame-src"] == "https:"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    "path",
    [
        "/static/../settings.py",
        "/static/..%2Fsecurity.py",
        "/static/%2e%2e%2fsecurity.py",
        "/static/security.py",
        "/static/nothing.js",
        "/static/.hidden.js",
        "/static/app.js.map",
    ],
)
async def test_nothing_outside_the_static_folder_is_served(
    gateway: RunningGateway, path: str
) -> None:
    async with httpx.AsyncClient(base_url=gateway.base_url) as client:
        answer = await client.get(path)
    assert answer.status_code == 404
    assert "import" not in answer.text


async def test_demo_users_are_what_the_demo_registered(gateway: RunningGateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.base_url) as client:
        assert (await client.get("/demo/users")).json() == []
    assert gateway.settings.demo_users == []


async def test_production_has_no_demo_sign_in(gateway: RunningGateway) -> None:
    production = gateway.settings.model_copy(
        update={
            "mode": "production",
            "jwks_url": "http://127.0.0.1:9/jwks.json",
            "issuer": "https://idp.example.com",
            "audience": "my-sessions",
        }
    )
    async with (
        running_gateway(production) as running,
        httpx.AsyncClient(base_url=running.base_url) as client,
    ):
        assert (await client.get("/signin")).status_code == 404
        assert (await client.get("/demo/users")).status_code == 404
        assert (await client.get("/")).status_code == 200
