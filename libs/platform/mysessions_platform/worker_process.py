"""Workers as real OS processes: for the demo, and for tests that kill and restart them."""

import asyncio
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["WorkerProcess"]


class WorkerProcess:
    """``python -m <module>`` with extra environment; output goes to a log file.

    Its health endpoints take a free port of the OS's choosing unless ``env`` names one
    (``HEALTH_PORT`` or ``<WORKER>_HEALTH_PORT``), so workers started side by side (tests in
    parallel, the demo next to a test) never fight over a fixed port."""

    def __init__(self, module: str, env: Mapping[str, str], log_file: Path) -> None:
        self.module = module
        self.env = {**os.environ, "HEALTH_PORT": "0", **env}
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

    async def terminate(self, timeout_s: float) -> int:
        """SIGTERM, as an orchestrator stops a worker; returns its exit code (raises
        ``TimeoutError`` if it is still running after ``timeout_s``)."""
        assert self.process is not None, "not started"
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout_s)

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                await self.kill()
