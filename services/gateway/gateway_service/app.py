"""The gateway's FastAPI app: the API, the live stream and the page, on one port."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from gateway_service.auth import demo_routes
from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.errors import API_RESPONSES
from gateway_service.limits import BodySizeLimit, limit_writes
from gateway_service.outages import answer_outages
from gateway_service.resources import open_resources
from gateway_service.routes import API_ROUTERS, PAGE_ROUTERS
from gateway_service.settings import GatewaySettings


def create_app(settings: GatewaySettings, demo: DemoSigner | None = None) -> FastAPI:
    """``demo``: the signer to use in demo mode (tests pass theirs to mint tokens)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_resources(settings, demo) as resources:
            app.state.resources = resources
            yield

    app = FastAPI(
        title="My Sessions gateway",
        version="1",
        description="The agent's tasks, after-call work, live updates and settings.",
        lifespan=lifespan,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    answer_outages(app)
    for router in API_ROUTERS:
        app.include_router(router, dependencies=[Depends(limit_writes)], responses=API_RESPONSES)
    for router in PAGE_ROUTERS:
        app.include_router(router)
    if settings.mode == "demo":
        app.include_router(demo_routes.router)
    return app
