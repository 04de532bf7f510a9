"""uvicorn's server for the gateway, whose graceful stop ends the live streams first.

uvicorn's graceful stop waits for open connections up to its grace period, and a live
stream never ends by itself: every agent's page held the stop for the whole period (5 s in
production) and then lost its stream to a cancel. Evicted first (``StreamSlots.close_all``),
each stream closes at once and the page reconnects with its Last-Event-ID straight away, to
an instance that is not stopping; requests in flight still finish within the period.
"""

import socket

import uvicorn
from fastapi import FastAPI

__all__ = ["GatewayServer", "end_live_streams"]


def end_live_streams(app: FastAPI) -> None:
    """Evicts every live stream and refuses new ones (nothing yet when start-up failed)."""
    resources = getattr(app.state, "resources", None)
    if resources is not None:
        resources.live.slots.close_all()


class GatewayServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._gateway = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        end_live_streams(self._gateway)
        await super().shutdown(sockets)
