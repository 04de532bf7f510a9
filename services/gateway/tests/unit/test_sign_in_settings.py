"""The sign-in settings a gateway refuses to start with, and how it says so.

Demo mode signs its own tokens: beside a production identity setting it would silently win
over it, and off loopback anyone who reaches the port signs in. Production trusts a key set
that often serves many issuers and apps, so it needs the issuer and the audience, and keys
fetched over https (plain http on loopback only, for tests)."""

import subprocess
import sys
from typing import Any

import pytest
from gateway_service.settings import GatewaySettings, is_loopback_host
from pydantic import ValidationError

pytestmark = pytest.mark.unit

PRODUCTION: dict[str, Any] = {
    "jwks_url": "https://idp.example.com/.well-known/jwks.json",
    "issuer": "https://idp.example.com",
    "audience": "my-sessions",
}


@pytest.fixture(autouse=True)
def _no_gateway_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test passes counts, whatever the shell running the tests has set."""
    import os

    for name in list(os.environ):
        if name.startswith("GATEWAY_"):
            monkeypatch.delenv(name)


def refusal(**settings: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        GatewaySettings(**settings)
    return str(refused.value)


@pytest.mark.parametrize("field", ["jwks_url", "issuer", "audience"])
def test_demo_mode_beside_a_production_identity_setting_is_refused(field: str) -> None:
    said = refusal(mode="demo", **{field: PRODUCTION[field]})
    assert f"GATEWAY_{field.upper()}" in said
    assert "GATEWAY_MODE=demo" in said


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "gateway.example.com", ""])
def test_demo_mode_off_loopback_is_refused_without_the_opt_in(host: str) -> None:
    assert "GATEWAY_DEMO_ALLOW_REMOTE=true" in refusal(mode="demo", host=host)
    assert GatewaySettings(mode="demo", host=host, demo_allow_remote=True).host == host


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "localhost", "::1", "[::1]"])
def test_demo_mode_on_loopback_starts(host: str) -> None:
    assert GatewaySettings(mode="demo", host=host).mode == "demo"
    assert is_loopback_host(host)


@pytest.mark.parametrize("missing", ["jwks_url", "issuer", "audience"])
def test_production_needs_the_key_url_the_issuer_and_the_audience(missing: str) -> None:
    given = {name: value for name, value in PRODUCTION.items() if name != missing}
    assert f"GATEWAY_{missing.upper()}" in refusal(**given)


@pytest.mark.parametrize(
    "url",
    [
        "http://idp.example.com/jwks.json",
        "http://10.0.0.5/jwks.json",
        "http://127.0.0.1.evil.example/jwks.json",
        "ftp://idp.example.com/jwks.json",
        "https:///jwks.json",
        "idp.example.com/jwks.json",
        "http://[::1/jwks.json",
    ],
)
def test_a_key_url_not_over_https_is_refused_off_loopback(url: str) -> None:
    assert "https://" in refusal(**{**PRODUCTION, "jwks_url": url})


@pytest.mark.parametrize(
    "url",
    [
        "https://idp.example.com/jwks.json",
        "http://127.0.0.1:8080/demo/jwks.json",
        "http://localhost/jwks.json",
        "http://[::1]:9/jwks.json",
    ],
)
def test_https_or_loopback_key_urls_are_accepted(url: str) -> None:
    assert GatewaySettings(**{**PRODUCTION, "jwks_url": url}).jwks_url == url


def test_a_demo_user_registered_twice_is_refused() -> None:
    user = {"label": "A", "tenant_id": "t", "user_id": "u", "roles": ["agent"]}
    assert "twice" in refusal(mode="demo", demo_users=[user, {**user, "roles": ["tenant_admin"]}])


def test_the_gateway_command_names_the_variables_to_change_without_a_traceback() -> None:
    env = {"GATEWAY_MODE": "demo", "GATEWAY_JWKS_URL": "https://secret-idp.example/keys"}
    started = subprocess.run(
        [sys.executable, "-m", "gateway_service"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 1
    assert "GATEWAY_JWKS_URL" in started.stderr
    assert "Traceback" not in started.stderr
    assert "secret-idp" not in started.stderr  # names the variable, never its value


@pytest.mark.parametrize("field", ["oidc_client_id", "oidc_issuer", "oidc_resource"])
def test_demo_mode_beside_a_page_sign_in_setting_is_refused(field: str) -> None:
    value = "https://idp.example.com" if field != "oidc_client_id" else "my-sessions-page"
    assert f"GATEWAY_{field.upper()}" in refusal(mode="demo", **{field: value})


def test_the_page_signs_in_at_the_issuer_unless_another_is_named() -> None:
    plain = GatewaySettings(**PRODUCTION, oidc_client_id="page")
    named = GatewaySettings(**PRODUCTION, oidc_client_id="page", oidc_issuer="https://login.ex")
    assert plain.sign_in_issuer == PRODUCTION["issuer"]
    assert named.sign_in_issuer == "https://login.ex"
    assert GatewaySettings(**PRODUCTION).sign_in_issuer is None  # no page client: no sign-in


@pytest.mark.parametrize(
    "issuer", ["http://idp.example.com", "http://10.0.0.5", "ftp://idp.example.com", "idp.ex"]
)
def test_the_page_never_signs_in_at_an_issuer_off_https(issuer: str) -> None:
    """The page sends its codes, verifier and refresh tokens to this origin."""
    said = refusal(**PRODUCTION, oidc_client_id="page", oidc_issuer=issuer)
    assert "GATEWAY_OIDC_ISSUER" in said
    assert "https://" in refusal(**{**PRODUCTION, "issuer": issuer}, oidc_client_id="page")


@pytest.mark.parametrize("scopes", ["", "openid  profile", 'openid "x"', "openid\tprofile"])
def test_scopes_are_tokens_separated_by_single_spaces(scopes: str) -> None:
    assert "oidc_scopes" in refusal(**PRODUCTION, oidc_scopes=scopes)
