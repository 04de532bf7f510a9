"""Each document as FastStream and FastAPI describe the apps, built as the processes build
them but with placeholder servers and every setting at its default: the environment of the
machine that generates them changes nothing, and nothing is connected to (clients connect
lazily; the ones built are closed unused).
"""

import warnings
from collections.abc import Callable
from typing import Any, Final

from context_service.entrypoints.app import create_app as context_app
from context_service.settings import ContextSettings
from gateway_service.app import create_app as gateway_app
from gateway_service.settings import GatewaySettings
from ingest_service.entrypoints.app import create_app as ingest_app
from ingest_service.settings import IngestSettings
from ingest_service.upstream_http.app import create_upstream_app
from ingest_service.upstream_http.settings import UpstreamSettings
from mysessions_platform.worker.shell import WorkerApp
from queue_service.entrypoints.app import create_app as queue_app
from queue_service.settings import QueueSettings
from reporting_service.entrypoints.app import create_app as reporting_app
from reporting_service.settings import ReportingSettings
from webhooks_service.entrypoints.app import create_app as webhooks_app
from webhooks_service.settings import WebhooksSettings

__all__ = ["WORKERS", "asyncapi", "openapi", "upstream_openapi"]

SERVERS: Final[dict[str, Any]] = {
    "kafka_bootstrap_servers": "kafka:9092",
    "redis_url": "redis://redis:6379/0",
    "mongodb_url": "mongodb://mongodb:27017/mysessions",
}
"""Placeholders, so a document names no real host. Settings are built with
``model_construct``: their declared defaults, no environment variable read."""

WORKERS: Final[dict[str, Callable[[], WorkerApp]]] = {
    "ingest": lambda: ingest_app(IngestSettings.model_construct(**SERVERS)),
    "queue": lambda: queue_app(QueueSettings.model_construct(**SERVERS)),
    "context": lambda: context_app(ContextSettings.model_construct(**SERVERS)),
    "reporting": lambda: reporting_app(ReportingSettings.model_construct(**SERVERS)),
    "webhooks": lambda: webhooks_app(WebhooksSettings.model_construct(**SERVERS)),
}


async def asyncapi(worker: str) -> dict[str, Any]:
    """The worker's AsyncAPI 3 document. FastStream warns when two channels or two schemas
    would take one name (one would be lost): that fails here instead."""
    app = WORKERS[worker]()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", category=RuntimeWarning, module=r"faststream\.")
            document: dict[str, Any] = app.schema.to_specification().to_jsonable()
    finally:
        for client in app.clients:
            await client.close()
    return document


def openapi() -> dict[str, Any]:
    """The gateway's OpenAPI in production mode (the demo's sign-in routes are not part of
    the API). Its identity provider is a placeholder: ``create_app`` refuses to build a
    production gateway without one, and none of it shows in the document."""
    settings = GatewaySettings.model_construct(
        **SERVERS,
        jwks_url="https://identity.example/jwks",
        issuer="https://identity.example/",
        audience="mysessions",
    )
    return gateway_app(settings).openapi()


def upstream_openapi() -> dict[str, Any]:
    """The upstream HTTP edge's OpenAPI (the providers' callbacks), with no tenant and a
    publisher that is never called: the routes alone."""

    async def unused(_: object) -> None:
        raise AssertionError("documenting publishes nothing")

    settings = UpstreamSettings.model_construct(**SERVERS)
    return create_upstream_app(settings, tenants={}, publish=unused).openapi()
