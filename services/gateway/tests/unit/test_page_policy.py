"""The page's Content-Security-Policy lets it reach the provider it signs in at, by origin,
and nothing more: the rest of the policy is the same with or without it."""

import pytest
from gateway_service.page.security import (
    CONTENT_SECURITY_POLICY,
    content_security_policy,
    sign_in_origin,
)

pytestmark = pytest.mark.unit


def directives(policy: str) -> dict[str, str]:
    return dict(d.split(" ", 1) for d in policy.split("; "))


@pytest.mark.parametrize(
    ("issuer", "origin"),
    [
        ("https://login.example.com", "https://login.example.com"),
        ("https://login.example.com/realms/agents", "https://login.example.com"),
        ("https://login.example.com:8443/t/1/v2.0/", "https://login.example.com:8443"),
        ("http://127.0.0.1:4000", "http://127.0.0.1:4000"),
        ("http://[::1]:4000/x", "http://[::1]:4000"),
    ],
)
def test_the_provider_is_reached_by_its_issuers_origin(issuer: str, origin: str) -> None:
    assert sign_in_origin(issuer) == origin
    with_provider = directives(content_security_policy(origin))
    assert with_provider.pop("connect-src") == f"'self' {origin}"
    without = directives(CONTENT_SECURITY_POLICY)
    assert without.pop("connect-src") == "'self'"
    assert with_provider == without


def test_no_issuer_adds_no_origin() -> None:
    assert sign_in_origin(None) is None
    assert content_security_policy(sign_in_origin(None)) == CONTENT_SECURITY_POLICY
