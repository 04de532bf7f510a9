"""``mysessions run gateway`` and ``mysessions demo`` say which gateway settings are refused
and why, with no traceback, before anything starts."""

import os

import pytest
from mysessions.cli import app
from mysessions.commands.demo import demo_gateway_settings
from mysessions.commands.simulate import make_config
from typer.testing import CliRunner

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _no_gateway_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("GATEWAY_"):
            monkeypatch.delenv(name)


def test_run_gateway_without_an_identity_provider_names_what_is_missing() -> None:
    answer = CliRunner().invoke(app, ["run", "gateway", "--port", "9"])
    assert answer.exit_code == 1
    assert isinstance(answer.exception, SystemExit)  # sys.exit with the reasons, not a crash
    assert "GATEWAY_ISSUER" in answer.output
    assert "Traceback" not in answer.output


def test_run_gateway_checks_a_host_option_like_the_variable() -> None:
    answer = CliRunner().invoke(
        app, ["run", "gateway", "--host", "0.0.0.0"], env={"GATEWAY_MODE": "demo"}
    )
    assert answer.exit_code == 1
    assert "GATEWAY_DEMO_ALLOW_REMOTE=true" in answer.output


def test_the_demos_gateway_settings_are_its_sign_ins_on_loopback() -> None:
    config = make_config(1, 3, 4, 10.0, 5.0, 1, fast=False, tenant_prefix="demo-x")
    settings = demo_gateway_settings(config, "127.0.0.1", 8080)
    assert settings.mode == "demo"
    assert [user.user_id for user in settings.demo_users][-2:] == ["owner-1", "admin-1"]


def test_the_demo_refuses_a_remote_host_or_a_production_provider(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = make_config(1, 3, 4, 10.0, 5.0, 1, fast=False, tenant_prefix="demo-x")
    with pytest.raises(SystemExit, match="GATEWAY_DEMO_ALLOW_REMOTE"):
        demo_gateway_settings(config, "0.0.0.0", 8080)
    monkeypatch.setenv("GATEWAY_JWKS_URL", "https://idp.example.com/jwks.json")
    with pytest.raises(SystemExit, match="GATEWAY_JWKS_URL"):
        demo_gateway_settings(config, "127.0.0.1", 8080)
    monkeypatch.delenv("GATEWAY_JWKS_URL")
    monkeypatch.setenv("GATEWAY_DEMO_ALLOW_REMOTE", "true")
    assert demo_gateway_settings(config, "0.0.0.0", 8080).host == "0.0.0.0"
