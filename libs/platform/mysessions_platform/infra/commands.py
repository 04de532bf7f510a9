"""Run an install step to completion and turn its failure into a readable InstallError."""

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import InstallError

__all__ = ["require_tool", "run"]

_TAIL_LINES = 25


def require_tool(tool: str, hint: str) -> str:
    """The tool's full path, or an InstallError that says how to get it."""
    found = shutil.which(tool)
    if found is None:
        raise InstallError(f"`{tool}` is not on PATH: {hint}")
    return found


def run(
    command: Sequence[str],
    *,
    what: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 1800,
) -> str:
    """Run ``command``, return its stdout; on failure raise with the tail of its output."""
    merged_env = {**os.environ, **env} if env else None
    try:
        done = subprocess.run(
            list(command),
            cwd=cwd,
            env=merged_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InstallError(f"{what} failed: {' '.join(command)}: {error}") from error
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()[-_TAIL_LINES:]
        raise InstallError(
            f"{what} failed (exit {done.returncode}): {' '.join(command)}\n" + "\n".join(output)
        )
    return done.stdout
