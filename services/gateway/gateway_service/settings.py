"""How the gateway runs: one ``BaseSettings``, env prefix ``GATEWAY_``.

``mode=demo`` signs its own tokens with a local key and serves a demo sign-in page; it is
for the demo and tests only. ``mode=production`` accepts only tokens of the configured
OpenID Connect provider, verified with the keys of its JWKS URL.
"""

from typing import Literal

from contracts import topics
from contracts.base import Identifier
from mysessions_platform.settings import ServerSettings
from pydantic import BaseModel, Field, model_validator
from pydantic_settings import SettingsConfigDict

from gateway_service.auth.principal import Role

Mode = Literal["production", "demo"]


class DemoUser(BaseModel):
    """A ready sign-in of the demo's sign-in page (demo mode only)."""

    label: str = Field(max_length=64, description='What the sign-in page shows, e.g. "Agent".')
    tenant_id: Identifier
    user_id: Identifier
    roles: list[Role] = Field(min_length=1, max_length=3)
    services: list[Identifier] = Field(default=[], max_length=100)


class GatewaySettings(ServerSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    mode: Mode = "production"
    queue_key_prefix: str = "ms"
    """The queue's and context's Redis key prefix (``QUEUE_KEY_PREFIX``)."""
    acw_topic: str = topics.AFTER_CALL_WORK
    email_topic: str = topics.EMAIL_REPLIES
    """Where agents' e-mail replies go, for the mail connector (created at start if missing)."""
    email_outbox_interval_s: float = Field(default=1.0, gt=0, le=60)
    """How often replies Kafka did not confirm are published again (and drafts purged)."""

    # Tokens (OpenID Connect): RS256 only.
    jwks_url: str | None = None
    """The provider's JWKS URL (production); keys are cached and refetched on an unknown kid."""
    issuer: str | None = None
    audience: str | None = None
    tenant_claim: str = "tenant_id"
    user_claim: str = "sub"
    roles_claim: str = "roles"
    services_claim: str = "services"
    """The service ids a service owner owns."""
    leeway_s: float = Field(default=30, ge=0, le=300)

    # Bounds (checked at the edge; see the README's "Gateway limits").
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=16 * 1024 * 1024)
    writes_per_minute: int = Field(default=120, ge=1)
    """Per user; a write beyond it answers 429 with Retry-After."""
    reads_per_minute: int = Field(default=600, ge=1)
    """Per user, its own budget (GET under /api, live streams included); a read beyond it
    answers 429 with Retry-After. The page reads on load, per search (debounced), filter,
    opened task and live reconnect: an agent stays far below 600 (10 a second)."""
    sse_heartbeat_s: float = Field(default=15, gt=0, le=300)
    redis_timeout_s: float = Field(default=5, gt=0, le=60)
    """How long one Redis command of a request may take (connect or answer) before the
    request answers 503: a Redis that hangs is an outage like one that refuses. The live
    stream has its own client, whose reads wait for changes."""
    """A ``: heartbeat`` comment this often on every live stream (proxies cut idle ones)."""
    sse_max_streams_per_user: int = Field(default=4, ge=1, le=100)
    """Per user and gateway instance; a new one ends the user's oldest (live/slots.py)."""
    sse_max_streams: int = Field(default=2000, ge=1, le=100_000)
    """Per gateway instance (each holds a Redis connection); beyond it 503."""

    demo_users: list[DemoUser] = Field(default=[], max_length=50)
    """Demo mode: the sign-ins the sign-in page offers (GATEWAY_DEMO_USERS, JSON); the
    demo command fills it."""

    @model_validator(mode="after")
    def _production_needs_a_provider(self) -> "GatewaySettings":
        if self.mode == "production" and not self.jwks_url:
            raise ValueError("GATEWAY_JWKS_URL is required unless GATEWAY_MODE=demo")
        return self
