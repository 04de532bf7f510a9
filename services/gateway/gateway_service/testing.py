"""A real gateway for tests and benchmarks: uvicorn on a free port, in this event loop.

Real HTTP (not an in-process transport), so streamed responses (SSE), schemathesis and the
browser see exactly what a client would. Demo mode, with a signer the caller can mint
tokens with.
"""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import with_database
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys

from gateway_service.app import create_app
from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.auth.principal import Role
from gateway_service.resources import Resources
from gateway_service.serving import GatewayServer
from gateway_service.settings import GatewaySettings


@dataclass(frozen=True)
class RunningGateway:
    base_url: str
    settings: GatewaySettings
    signer: DemoSigner
    resources: Resources

    def token(
        self,
        tenant_id: str,
        user_id: str,
        roles: tuple[Role, ...] = ("agent",),
        services: tuple[str, ...] = (),
        **extra: Any,
    ) -> str:
        return self.signer.token(tenant_id, user_id, roles, services, **extra)

    def headers(
        self,
        tenant_id: str,
        user_id: str,
        roles: tuple[Role, ...] = ("agent",),
        services: tuple[str, ...] = (),
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(tenant_id, user_id, roles, services)}"}


def gateway_settings(
    kafka_bootstrap_servers: str, redis_url: str, mongodb_url: str, **overrides: Any
) -> GatewaySettings:
    """Demo-mode settings on the given servers; ``overrides`` by field name."""
    return GatewaySettings(mode="demo").model_copy(
        update={
            "kafka_bootstrap_servers": kafka_bootstrap_servers,
            "redis_url": redis_url,
            "mongodb_url": mongodb_url,
            **overrides,
        }
    )


_STOP_S = 10.0
"""How long a test gateway may take to stop before its stop is forced."""


def gateway_socket() -> socket.socket:
    """A socket bound to a free port of 127.0.0.1, for ``running_gateway``: a test that must
    know the gateway's URL before it starts (an OpenID provider's redirect URI) binds first."""
    # IPPROTO_TCP named, not left 0: asyncio sets TCP_NODELAY only on connections whose
    # socket says it is TCP, as uvicorn's own sockets do. Without it every answer waited
    # ~40 ms (uvicorn writes headers and body apart, Nagle holds the body until the
    # client's delayed ACK), a third of the gateway tests' time.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def running_gateway(
    settings: GatewaySettings, sock: socket.socket | None = None, grace_s: int = 2
) -> AsyncIterator[RunningGateway]:
    """``sock``: where to listen (``gateway_socket``); a fresh one when None. Closed after.
    ``grace_s``: how long its graceful stop waits for requests in flight."""
    signer = DemoSigner.generate(settings)
    app = create_app(settings, signer)
    sock = sock or gateway_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=grace_s
    )
    server = GatewayServer(config, app)  # as in production: its stop ends the live streams
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if serving.done():
                serving.result()  # raises what stopped it
                raise RuntimeError("the gateway stopped before it started")
            await asyncio.sleep(0.02)
        yield RunningGateway(f"http://127.0.0.1:{port}", settings, signer, app.state.resources)
    finally:
        server.should_exit = True
        # A graceful stop waits for open connections (live streams) up to its timeout, then
        # for the lifespan's end; a client cut mid-stream once held it past that, so after
        # a bound the stop is forced rather than hanging the test run.
        done, _ = await asyncio.wait({serving}, timeout=_STOP_S)
        if not done:
            server.force_exit = True
            await asyncio.wait({serving}, timeout=_STOP_S)
        if not serving.done():
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)
        sock.close()


@asynccontextmanager
async def isolated_gateway(
    servers: Endpoints,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    kafka_topics: KafkaTopics,
    **overrides: Any,
) -> AsyncIterator[RunningGateway]:
    """A test's own demo-mode gateway: on the test's key prefix, a database, an after-call
    work topic and a connector topic of its own (saves and CRM flows' changes publish
    there, not on the shared topics), so tests running side by side never see each
    other's data; ``overrides`` by field name."""
    settings = gateway_settings(
        servers.kafka_bootstrap_servers,
        servers.redis_url,
        with_database(servers.mongodb_url, mongo_databases.create("gw").name),
        **{
            "queue_key_prefix": redis_keys.prefix,
            "acw_topic": await kafka_topics.create("acw"),
            "connector_topic": await kafka_topics.create("connector"),
            **overrides,
        },
    )
    async with running_gateway(settings) as running:
        yield running
