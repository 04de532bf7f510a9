"""The gateway's FastAPI app: the API, the live stream and the page, on one port."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import Depends, FastAPI
from mysessions_platform.outbox import outbox_loop

from gateway_service import health
from gateway_service.auth import demo_routes
from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.email.send import outbox_round
from gateway_service.errors import API_RESPONSES
from gateway_service.limits import BodySizeLimit, limit_reads, limit_writes
from gateway_service.metrics import GatewayMetrics, RequestMetrics
from gateway_service.outages import answer_outages
from gateway_service.ports import Ports
from gateway_service.resources import open_resources
from gateway_service.routes import API_ROUTERS, KEYED_ROUTERS, PAGE_ROUTERS
from gateway_service.settings import GatewaySettings, identity_problems


def _streams_open(app: FastAPI) -> int:
    resources = getattr(app.state, "resources", None)
    return 0 if resources is None else resources.live.slots.open


PortsOpener = Callable[[], AbstractAsyncContextManager[Ports]]
"""Opens the ports the routes use for the app's lifetime, and closes them after."""


def create_app(
    settings: GatewaySettings, demo: DemoSigner | None = None, open_ports: PortsOpener | None = None
) -> FastAPI:
    """``demo``: the signer to use in demo mode (tests pass theirs to mint tokens).
    ``open_ports``: where the routes read and write; the real adapters
    (``resources.open_resources``) when None. Route tests pass in-memory fakes.

    Raises ``ValueError`` for settings that would sign in callers unsafely, even ones
    changed after validation (``model_copy`` does not validate again).

    No ``/docs`` or ``/redoc``: FastAPI's pages load their scripts from a public CDN,
    without integrity, on this origin and outside the page's CSP. ``/openapi.json`` stays
    for any OpenAPI tool to read."""
    problems = identity_problems(settings)
    if problems:
        raise ValueError("\n".join(problems))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = open_ports() if open_ports is not None else open_resources(settings, demo)
        async with opened as resources:
            app.state.resources = resources
            # E-mail replies recorded but never confirmed by Kafka (see email.send).
            outbox = asyncio.create_task(
                outbox_loop(
                    lambda: outbox_round(resources.email),
                    settings.email_outbox_interval_s,
                    "e-mail reply outbox",
                ).run()
            )
            try:
                yield
            finally:
                app.state.draining = True
                outbox.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await outbox

    app = FastAPI(
        title="My Sessions gateway",
        version="1",
        description="The agent's tasks, after-call work, live updates and settings.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.metrics = GatewayMetrics()
    app.state.metrics.sse_clients(lambda: _streams_open(app))
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        max_import_bytes=settings.max_import_bytes,
    )
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)
    answer_outages(app)
    for router in API_ROUTERS:
        app.include_router(
            router,
            dependencies=[Depends(limit_writes), Depends(limit_reads)],
            responses=API_RESPONSES,
        )
    for router in KEYED_ROUTERS:
        app.include_router(router)
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.include_router(health.router)
    if settings.mode == "demo":
        app.include_router(demo_routes.router)
    return app
