"""The test OpenID provider (``provider.mjs``) as a process on a free port of 127.0.0.1.

The library is the one ``scripts/fetch_oidc_provider.sh`` installs (``bash
scripts/bootstrap.sh`` runs it); a machine without it fails the test with what to run,
never skips it.
"""

import asyncio
import contextlib
import json
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Final

import pytest

SCRIPT: Final = Path(__file__).with_name("provider.mjs")
MODULES: Final = Path(__file__).parents[2] / ".cache" / "oidc-provider" / "node_modules"
_START_S: Final = 30.0
_STOP_S: Final = 5.0


@dataclass(frozen=True)
class Account:
    """A user of the provider, with the claims its access tokens carry for the gateway."""

    login: str
    password: str
    sub: str
    claims: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Client:
    """The page's client: public, PKCE, refresh tokens when ``refresh``."""

    client_id: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str] = field(default_factory=list)
    refresh: bool = True


@dataclass
class RunningProvider:
    issuer: str
    process: asyncio.subprocess.Process
    log: Path
    """What the provider wrote on stderr (its warnings, failed interactions)."""

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    async def stop(self) -> None:
        """Stops it (the page's renewals then find no provider); idempotent."""
        if self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), _STOP_S)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


def _require_installed() -> str:
    node = shutil.which("node")
    if node is None or not (MODULES / "oidc-provider" / "package.json").is_file():
        pytest.fail(
            f"the test OpenID provider is not installed ({MODULES}, node on PATH): run"
            " bash scripts/bootstrap.sh (scripts/fetch_oidc_provider.sh)",
            pytrace=False,
        )
    return node


def _prepare(workdir: Path, config: dict[str, object]) -> tuple[Path, Path]:
    """The provider's config file and its log, in ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "provider.json"
    path.write_text(json.dumps(config))
    return path, workdir / "provider.log"


@asynccontextmanager
async def running_provider(
    workdir: Path,
    *,
    client: Client,
    resource: str,
    accounts: list[Account],
    access_token_ttl_s: int = 300,
    key_file: Path | None = None,
) -> AsyncIterator[RunningProvider]:
    """A provider issuing JWT access tokens for ``resource`` (the gateway's audience).
    ``key_file``: its signing key (a JWK), made when missing; two providers given the same
    file sign with the same key and differ by their issuer alone."""
    node = _require_installed()
    config, log = _prepare(
        workdir,
        {
            "host": "127.0.0.1",
            "key_file": str(key_file or workdir / "key.json"),
            "client": asdict(client),
            "resource": resource,
            "access_token_ttl_s": access_token_ttl_s,
            "accounts": [asdict(account) for account in accounts],
        },
    )
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            node,
            str(SCRIPT),
            str(config),
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, "OIDC_PROVIDER_MODULES": str(MODULES)},
        )
    running = RunningProvider("", process, log)
    try:
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), _START_S)
        except TimeoutError:
            line = b""
        if not line:
            raise RuntimeError(f"the test OpenID provider did not start: {log.read_text()}")
        running.issuer = json.loads(line)["issuer"]
        yield running
    finally:
        with contextlib.suppress(ProcessLookupError):
            await running.stop()
