"""Which endpoint URLs are allowed: https, no private targets in production (SSRF)."""

import pytest
from webhooks_service.targets import TargetRefused, check_target, is_public_address

pytestmark = pytest.mark.unit

REFUSED_IN_PRODUCTION = [
    "http://example.com/hook",
    "https://127.0.0.1/hook",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://10.1.2.3/hook",
    "https://192.168.0.10/hook",
    "https://172.16.5.4/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://[fd00::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
    "https://user:pass@example.com/hook",
    "ftp://example.com/hook",
    "https:///nohost",
]


@pytest.mark.parametrize("url", REFUSED_IN_PRODUCTION)
def test_production_refuses(url: str) -> None:
    with pytest.raises(TargetRefused):
        check_target(url, "production")


@pytest.mark.parametrize(
    "url", ["https://example.com/hook", "https://93.184.215.14:8443/x", "https://[2606:4700::1]/"]
)
def test_production_allows_public_https(url: str) -> None:
    assert check_target(url, "production") == url


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/hook", "http://localhost:9000/", "http://[::1]:81/"]
)
def test_development_allows_http_to_loopback_only(url: str) -> None:
    assert check_target(url, "development") == url
    with pytest.raises(TargetRefused):
        check_target(url, "production")


@pytest.mark.parametrize("url", ["http://example.com/hook", "http://10.0.0.5/hook"])
def test_development_still_refuses_http_elsewhere(url: str) -> None:
    with pytest.raises(TargetRefused, match="https"):
        check_target(url, "development")


def test_the_refusal_never_quotes_the_url() -> None:
    with pytest.raises(TargetRefused) as refused:
        check_target("https://user:secret-token@example.com/", "production")
    assert "secret-token" not in str(refused.value)


def test_public_addresses() -> None:
    assert is_public_address("8.8.8.8")
    assert not is_public_address("10.0.0.1")
    assert not is_public_address("::ffff:127.0.0.1")
