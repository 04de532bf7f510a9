"""Runs the ``mysessions`` command as an operator would: a real process, its own env."""

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


async def run_cli(*args: str, env: dict[str, str]) -> CliResult:
    """The installed ``mysessions`` beside this interpreter, with exactly ``env``."""
    command = Path(sys.executable).parent / "mysessions"
    process = await asyncio.create_subprocess_exec(
        str(command),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return CliResult(process.returncode, out.decode(), err.decode())
