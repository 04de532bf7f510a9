"""The upstream HTTP edge's app: one route per provider, publishing through one producer."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ingest_service.upstream_http.connect_route import connect_router
from ingest_service.upstream_http.publish import KafkaPublisher, Publish
from ingest_service.upstream_http.settings import UpstreamSettings
from ingest_service.upstream_http.tenants import TenantUpstream, load_tenants
from ingest_service.upstream_http.twilio_route import twilio_router


def create_upstream_app(
    settings: UpstreamSettings,
    tenants: dict[str, TenantUpstream] | None = None,
    publish: Publish | None = None,
) -> FastAPI:
    """``publish`` defaults to a Kafka producer on ``settings.topic``, opened in the lifespan."""
    configured = tenants if tenants is not None else load_tenants(settings.tenants_file)
    kafka = (
        KafkaPublisher(settings.kafka_bootstrap_servers, settings.topic, settings.publish_timeout_s)
        if publish is None
        else None
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if kafka is not None:
            await kafka.start()
        try:
            yield
        finally:
            if kafka is not None:
                await kafka.stop()

    app = FastAPI(title="My Sessions upstream edge", lifespan=lifespan)
    sink: Publish = publish if publish is not None else kafka  # type: ignore[assignment]
    app.include_router(twilio_router(settings, configured, sink))
    app.include_router(connect_router(settings, configured, sink))

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        # Kafka is the edge's only server: ready once its producer has connected. An injected
        # ``publish`` (tests) has no connection to wait for.
        missing = [] if kafka is None or kafka.connected else ["kafka"]
        body = {"ready": not missing, "waiting_for": missing}
        return JSONResponse(body, status_code=503 if missing else 200)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in error.errors()})
        return JSONResponse({"detail": f"{', '.join(fields)}: invalid"}, status_code=400)

    return app
