"""One `up` or `down` at a time on this machine, across processes and checkouts.

The ports are fixed, so two checkouts (or two terminals, or CI beside a developer) that
both find a port free would both start a server and one would lose the bind. The lock is
machine-wide for that reason, not per cache folder.
"""

import asyncio
import fcntl
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

__all__ = ["machine_lock", "machine_lock_sync"]

_LOCK_FILE = Path(tempfile.gettempdir()) / "mysessions-infra.lock"


@contextmanager
def machine_lock_sync() -> Iterator[None]:
    with _LOCK_FILE.open("a") as handle:  # closing the file releases the lock
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


@asynccontextmanager
async def machine_lock() -> AsyncIterator[None]:
    with _LOCK_FILE.open("a") as handle:  # closing the file releases the lock
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        yield
