"""``/healthz``, ``/readyz`` and ``/metrics``: FastStream's ASGI handlers and
``prometheus_client``'s ASGI app, served beside the worker's broker (``AsgiFastStream``).

``/healthz`` answers 200 while the process's event loop runs (a hung loop answers nothing:
restart it). ``/readyz`` answers 200 once started, connected and in the group, and 503 with
what it waits for before and while it drains (from SIGTERM on), so a probe sees the stop.
"""

from typing import Any

from faststream.asgi import get
from faststream.asgi.response import JSONResponse
from faststream.asgi.types import ASGIApp, Scope
from prometheus_client import CollectorRegistry, make_asgi_app

from mysessions_platform.worker.readiness import Readiness

__all__ = ["health_routes"]


def health_routes(
    worker: str, readiness: Readiness, registry: CollectorRegistry
) -> list[tuple[str, ASGIApp]]:
    @get(include_in_schema=False)
    async def healthz(scope: Scope) -> Any:
        return JSONResponse({"worker": worker, "alive": True})

    @get(include_in_schema=False)
    async def readyz(scope: Scope) -> Any:
        missing = await readiness.waiting_for()
        body = {"worker": worker, "ready": not missing, "waiting_for": missing}
        return JSONResponse(body, 503 if missing else 200)

    return [("/healthz", healthz), ("/readyz", readyz), ("/metrics", make_asgi_app(registry))]
