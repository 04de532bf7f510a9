"""Workers as real OS processes: for the demo, and for tests that kill and restart them."""

import asyncio
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["WorkerProcess"]


class WorkerProcess:
    """``python -m <module>`` with extra environment; output goes to a log file."""

    def __init__(self, module: str, env: Mapping[str, str], log_file: Path) -> None:
        self.module = module
        self.env = {**os.environ, **env}
        self.log_file = log_file
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        log = self.log_file.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", self.module, env=self.env, stdout=log, stderr=log
        )
        log.close()

    async def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, nothing is flushed or committed on the way out."""
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                await self.kill()
