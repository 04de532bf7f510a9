"""uvicorn serving the health routes on a socket of our own, signals left to the shell.

``uvicorn.Server.serve`` would take SIGTERM for itself and stop answering at once; the
shell must go on answering ``/readyz`` (503, draining) while batches finish.
"""

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import uvicorn

__all__ = ["serving"]


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the worker shell handles SIGTERM and SIGINT


@contextlib.asynccontextmanager
async def serving(app: Any, host: str, port: int) -> AsyncIterator[int]:
    """Serves ``app`` (no lifespan: the shell starts and stops the worker) until the block
    ends; yields the port bound (``port`` 0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=False)
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started and not task.done():  # noqa: ASYNC110 (uvicorn sets a flag)
            await asyncio.sleep(0.01)
        if task.done():
            task.result()  # raises what stopped it
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(task), 5)
        except TimeoutError:
            server.force_exit = True
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        sock.close()
