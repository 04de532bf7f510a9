"""What the lifecycle needs from each local server; one module per server implements it."""

import signal
from pathlib import Path
from typing import Protocol

__all__ = ["LocalServer"]


class LocalServer(Protocol):
    name: str
    env_var: str  # the variable that, when set, points at an external server instead
    port: int  # where the local one listens on 127.0.0.1
    ready_timeout: float
    stop_signal: signal.Signals  # the one that shuts it down cleanly
    log_file: Path
    pid_file: Path
    process_marker: str  # a substring of its command line, to recognise our process

    def is_installed(self) -> bool: ...

    def install(self) -> None:
        """Fetch or build what is missing (slow only the first time on a machine)."""

    def start(self) -> None:
        """Prepare config and data, then launch in the background and return."""

    async def ping(self, url: str) -> None:
        """One readiness attempt against ``url``; raise when it does not answer."""
