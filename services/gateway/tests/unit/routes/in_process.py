"""The gateway app in this process over in-memory fakes, reached through httpx's ASGI
transport: no server, no socket, no Redis, MongoDB or Kafka. For route logic only; live
streams, schemathesis and the browser keep a real uvicorn (``gateway_service.testing``).

Production mode, for a test issuer and audience: its key is generated here, and the
verifier checks tokens with it (``KeyVerifier``) instead of fetching the JWKS URL, with the
same issuer, audience and expiry checks; a token of any other issuer is refused. Tokens are
signed by a ``DemoSigner`` on that key (it writes the configured issuer and audience).
"""

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import contracts as c
import httpx
from acw.service import AcwPorts
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from gateway_service.app import create_app
from gateway_service.auth.demo_keys import DemoSigner
from gateway_service.auth.principal import Role
from gateway_service.auth.tokens import KeyVerifier
from gateway_service.connector.ports import ConnectorPorts
from gateway_service.email.ports import EmailPorts
from gateway_service.live.resources import open_live
from gateway_service.ports import CatalogPorts, Ports
from gateway_service.settings import GatewaySettings

from .connector_fakes import FakeKeys, FakeLiveSessions
from .fake_webhooks import FakeWebhooks
from .fakes import (
    AcwTaskReader,
    CountingRequests,
    FakeCatalog,
    FakeContext,
    FakeHistory,
    FakePublisher,
    FakeQueue,
    FakeSaves,
    FakeSettings,
    FakeTags,
    NoDrafts,
    NoMail,
    NoReplies,
    RecordingEraser,
)
from .tenant_fakes import TenantFakes

ISSUER = "https://issuer.test"
AUDIENCE = "my-sessions-tests"
ACW_TOPIC = "acw-in-process"
CONNECTOR_TOPIC = "sessions-in-process"


@functools.cache
def _signing_key() -> rsa.RSAPrivateKey:
    """One key for the whole run: generating one takes longer than most route tests."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Fakes:
    queue: FakeQueue = field(default_factory=FakeQueue)
    context: FakeContext = field(default_factory=FakeContext)
    history: FakeHistory = field(default_factory=FakeHistory)
    settings: FakeSettings = field(default_factory=FakeSettings)
    code_sets: FakeCatalog[c.CodeSet, c.CodeSetSpec] = field(
        default_factory=lambda: FakeCatalog(c.CodeSet)
    )
    contexts: FakeCatalog[c.ConversationContext, c.ConversationContextSpec] = field(
        default_factory=lambda: FakeCatalog(c.ConversationContext)
    )
    saves: FakeSaves = field(default_factory=FakeSaves)
    tags: FakeTags = field(default_factory=FakeTags)
    published: FakePublisher = field(default_factory=FakePublisher)
    requests: CountingRequests = field(default_factory=CountingRequests)
    eraser: RecordingEraser = field(default_factory=RecordingEraser)
    tenant: TenantFakes = field(default_factory=TenantFakes)
    webhooks: FakeWebhooks = field(default_factory=FakeWebhooks)
    keys: FakeKeys = field(default_factory=FakeKeys)
    live_sessions: FakeLiveSessions = field(default_factory=FakeLiveSessions)


@dataclass(frozen=True)
class InProcessGateway:
    app: FastAPI
    settings: GatewaySettings
    signer: DemoSigner
    fakes: Fakes

    def headers(
        self,
        tenant_id: str,
        user_id: str,
        roles: tuple[Role, ...] = ("agent",),
        services: tuple[str, ...] = (),
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.signer.token(tenant_id, user_id, roles, services)}"}

    def client(
        self,
        tenant_id: str,
        user_id: str,
        roles: tuple[Role, ...] = ("agent",),
        services: tuple[str, ...] = (),
    ) -> httpx.AsyncClient:
        """A client signed in as this user (``anonymous`` for none: no token)."""
        return self.anonymous(self.headers(tenant_id, user_id, roles, services))

    def anonymous(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://gateway", headers=headers)

    def signer_of(self, issuer: str) -> DemoSigner:
        """The same key, signing for another issuer: a key set often serves many."""
        return DemoSigner(_signing_key(), self.settings.model_copy(update={"issuer": issuer}))


def ports_of(settings: GatewaySettings, signer: DemoSigner, fakes: Fakes) -> Ports:
    return Ports(
        settings=settings,
        verifier=KeyVerifier(settings, signer.public_key),
        demo=signer if settings.mode == "demo" else None,
        queue=fakes.queue,
        context=fakes.context,
        history=fakes.history,
        service_settings=fakes.settings,
        catalogs=CatalogPorts(fakes.code_sets, fakes.contexts),
        acw=AcwPorts(
            tasks=AcwTaskReader(fakes.queue),
            settings=fakes.settings,
            saves=fakes.saves,
            tags=fakes.tags,
            publisher=fakes.published,
            topic=ACW_TOPIC,
        ),
        saves=fakes.saves,
        tags=fakes.tags,
        email=EmailPorts(
            mail=NoMail(),
            drafts=NoDrafts(),
            replies=NoReplies(),
            settings=fakes.settings,
            publisher=fakes.published,
            topic="email-in-process",
        ),
        requests=fakes.requests,
        unprovision=fakes.eraser,
        webhooks=fakes.webhooks,
        # A client to nowhere (redis-py connects on first use): nothing here streams.
        live=open_live(settings),
        tenant=fakes.tenant.ports(),
        connector=ConnectorPorts(
            keys=fakes.keys,
            sessions=fakes.live_sessions,
            publisher=fakes.published,
            topic=CONNECTOR_TOPIC,
        ),
    )


@asynccontextmanager
async def in_process_gateway(
    demo: bool = False, **overrides: Any
) -> AsyncIterator[InProcessGateway]:
    """A production-mode app for ISSUER and AUDIENCE over fresh fakes, its lifespan running (the
    ASGI transport sends no lifespan events); ``demo``: demo mode instead (its sign-in routes
    mounted, tokens of no issuer); ``overrides`` by settings field name."""
    identity: dict[str, Any] = (
        {"mode": "demo"}
        if demo
        else {
            "mode": "production",
            "issuer": ISSUER,
            "audience": AUDIENCE,
            "jwks_url": f"{ISSUER}/jwks.json",  # never fetched: the verifier has the key
        }
    )
    settings = GatewaySettings(**identity).model_copy(
        # Never reached: nothing here streams, and every other port is a fake.
        update={"redis_url": "redis://127.0.0.1:1/0", **overrides}
    )
    signer = DemoSigner(_signing_key(), settings)
    fakes = Fakes()

    @asynccontextmanager
    async def open_ports() -> AsyncIterator[Ports]:
        ports = ports_of(settings, signer, fakes)
        try:
            yield ports
        finally:
            await ports.live.redis.aclose()

    app = create_app(settings, signer if demo else None, open_ports)
    async with app.router.lifespan_context(app):
        yield InProcessGateway(app, settings, signer, fakes)
