"""A hung test fails the run instead of holding it: the project's pytest-timeout settings
(pyproject.toml) end the test's process, and under pytest-xdist the run goes on and fails."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from mysessions_platform.infra.paths import repo_root

pytestmark = pytest.mark.unit

_HANGING = """
import asyncio


async def test_hangs():
    await asyncio.Event().wait()


def test_passes():
    pass
"""


def _settings() -> dict[str, Any]:
    with (repo_root() / "pyproject.toml").open("rb") as file:
        options: dict[str, Any] = tomllib.load(file)["tool"]["pytest"]["ini_options"]
    return options


def test_every_test_has_a_deadline_that_ends_its_process() -> None:
    settings = _settings()
    assert 0 < settings["timeout"] <= 600
    assert settings["timeout_method"] == "thread"  # a hung event loop never sees a signal


def test_a_hung_test_fails_and_the_others_still_run(tmp_path: Path) -> None:
    (tmp_path / "test_hanging.py").write_text(_HANGING)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
        f"timeout_method = {_settings()['timeout_method']}\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "xdist.plugin", "-p", "pytest_timeout",
         "-p", "asyncio", "-n", "2", "-o", "timeout=2", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", str(tmp_path / "pytest.ini"), str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )  # fmt: skip
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "FAILED test_hanging.py::test_hangs" in out, out
    assert "1 failed, 1 passed" in out, out
