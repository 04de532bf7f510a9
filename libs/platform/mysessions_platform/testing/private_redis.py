"""A redis-server of one test's own, on a free port in a temporary directory, killed after.

For tests that must break a server (maxmemory, a read-only replica, CLIENT PAUSE, a busy
script): the shared server stays untouched, so other tests running on it are not disturbed.
"""

import asyncio
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import redis.exceptions
from redis.asyncio import Redis

__all__ = ["PrivateRedis", "private_redis"]

_READY_SECONDS = 10.0


@dataclass(frozen=True)
class PrivateRedis:
    port: int
    admin: Redis
    """A client for breaking and mending the server (CONFIG SET, CLIENT PAUSE, …)."""

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _until_it_answers(admin: Redis, process: asyncio.subprocess.Process) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _READY_SECONDS
    while True:
        if process.returncode is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}")
        try:
            await admin.ping()
            return
        except (redis.exceptions.ConnectionError, OSError):
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.05)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
    await process.wait()


@asynccontextmanager
async def private_redis(arguments: Sequence[str] = ()) -> AsyncIterator[PrivateRedis]:
    """Starts ``redis-server`` with no persistence plus ``arguments`` (e.g.
    ``["--replicaof", "127.0.0.1", "6390"]``), yields it once it answers PING, kills it."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    async with AsyncExitStack() as cleanup:  # last-in first-out, also when the test failed
        directory = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="private-redis-"))
        port = _free_port()
        process = await asyncio.create_subprocess_exec(
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            directory,
            *arguments,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        cleanup.push_async_callback(_stop, process)
        admin = Redis.from_url(f"redis://127.0.0.1:{port}/0")
        cleanup.push_async_callback(admin.aclose)
        await _until_it_answers(admin, process)
        yield PrivateRedis(port=port, admin=admin)
