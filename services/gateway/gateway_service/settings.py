"""How the gateway runs: one ``BaseSettings``, env prefix ``GATEWAY_``.

``mode=demo`` signs its own tokens with a local key and serves a demo sign-in page; it is
for the demo and tests only. ``mode=production`` accepts only tokens of the configured
OpenID Connect provider, verified with the keys of its JWKS URL. The combinations that
would make either unsafe are refused at start (``identity_problems``), each with a
sentence naming the variables to change.
"""

import ipaddress
import sys
from typing import Any, Literal
from urllib.parse import urlsplit

from contracts import topics
from contracts.base import Identifier
from mysessions_platform.settings import ServerSettings
from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_settings import SettingsConfigDict

from gateway_service.auth.principal import Role

Mode = Literal["production", "demo"]
_SCOPES = r"^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$"
"""Scope tokens separated by single spaces (RFC 6749 3.3)."""


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
    """Where uvicorn listens. Demo mode only on a loopback address unless
    ``demo_allow_remote``: its sign-in hands out tokens to whoever reaches the port."""
    port: int = Field(default=8080, ge=0, le=65535)
    mode: Mode = "production"
    queue_key_prefix: str = "ms"
    """The queue's and context's Redis key prefix (``QUEUE_KEY_PREFIX``)."""
    acw_topic: str = topics.AFTER_CALL_WORK
    email_topic: str = topics.EMAIL_REPLIES
    connector_topic: str = topics.SESSION_EVENTS
    """Where the connector API publishes what CRM flows set: the context worker's topic."""
    changelog_topic: str = topics.TASK_CHANGELOG
    """The queue's task changelog: unprovisioning publishes its tombstones there."""
    """Where agents' e-mail replies go, for the mail connector (created at start if missing)."""
    email_outbox_interval_s: float = Field(default=1.0, gt=0, le=60)
    """How often replies Kafka did not confirm are published again (and drafts purged)."""

    # Tokens (OpenID Connect): RS256 only.
    jwks_url: str | None = None
    """The provider's JWKS URL (production): ``https://``, or ``http://`` on a loopback host
    (tests); keys are cached and refetched on an unknown kid."""
    issuer: str | None = None
    """Required in production: one key set often serves many issuers (tenants, apps)."""
    audience: str | None = None
    """Required in production: a token issued for another app of the provider is refused."""
    tenant_claim: str = "tenant_id"
    user_claim: str = "sub"
    roles_claim: str = "roles"
    services_claim: str = "services"
    """The service ids a service owner owns."""
    leeway_s: float = Field(default=30, ge=0, le=300)

    # The page's sign-in (production): OpenID Connect, authorization code with PKCE.
    oidc_client_id: str | None = Field(default=None, min_length=1, max_length=255)
    """The page's client at the provider: a public client (no secret) with PKCE, whose
    redirect URI is ``<this gateway's origin>/auth/callback``. Unset: the page says that
    sign-in is not set up, and only tokens got elsewhere reach the API."""
    oidc_issuer: str | None = None
    """Where the page signs in: the provider's issuer, whose
    ``/.well-known/openid-configuration`` it reads. ``GATEWAY_ISSUER`` when unset (they
    differ where the provider's access tokens name another issuer than its sign-in)."""
    oidc_scopes: str = Field(default="openid offline_access", pattern=_SCOPES)
    """What the page asks for; ``offline_access`` asks for a refresh token, with which the
    page renews its session before the access token expires."""
    oidc_resource: str | None = None
    """Sent as ``resource`` (RFC 8707) where the provider picks the access token's audience
    by resource indicator: usually ``GATEWAY_AUDIENCE``. Unset for providers that pick it by
    scope (then name that scope in ``GATEWAY_OIDC_SCOPES``)."""

    # Bounds (checked at the edge; see the README's "Gateway limits").
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=16 * 1024 * 1024)
    max_import_bytes: int = Field(default=8 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    """The one larger body: a tenant admin's address-book or directory CSV upload
    (``/api/v1/admin/imports/...``), checked at the edge like every other body. 8 MiB holds
    100,000 typical rows (the parser's own row limit) with room to spare."""
    crm_tests_per_minute: int = Field(default=10, ge=1, le=600)
    """Per tenant (every admin of it together, every gateway instance): the admin screen's
    CRM test calls the tenant's CRM, so it must not become a way to hammer it."""
    writes_per_minute: int = Field(default=120, ge=1)
    """Per user; a write beyond it answers 429 with Retry-After."""
    connector_requests_per_minute: int = Field(default=60, ge=1)
    """Per connector API key (a CRM flow makes a few calls per session); beyond it 429
    with Retry-After."""
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
    demo command fills it. ``POST /demo/token`` signs these and no one else."""
    demo_allow_remote: bool = False
    """Demo mode on a non-loopback ``host`` (GATEWAY_DEMO_ALLOW_REMOTE=true): only for a
    demo machine nobody else can reach, since anyone who can may sign in as a demo user."""

    @property
    def sign_in_issuer(self) -> str | None:
        """Where the page signs in (production, when a client is set), else None."""
        if self.mode != "production" or not self.oidc_client_id:
            return None
        return self.oidc_issuer or self.issuer

    @model_validator(mode="after")
    def _refuse_unsafe_identity(self) -> "GatewaySettings":
        problems = identity_problems(self)
        if problems:
            raise ValueError("\n  ".join(problems))
        return self


_PRODUCTION_IDENTITY = {
    "jwks_url": "GATEWAY_JWKS_URL",
    "issuer": "GATEWAY_ISSUER",
    "audience": "GATEWAY_AUDIENCE",
}
_PRODUCTION_SIGN_IN = {
    "oidc_client_id": "GATEWAY_OIDC_CLIENT_ID",
    "oidc_issuer": "GATEWAY_OIDC_ISSUER",
    "oidc_resource": "GATEWAY_OIDC_RESOURCE",
}


def identity_problems(settings: GatewaySettings) -> list[str]:
    """Why these settings would sign in callers unsafely (empty when they would not).

    Also checked by ``create_app``, so settings changed after validation (``model_copy``)
    cannot start an unsafe gateway either."""
    s = settings
    if s.mode == "demo":
        problems = []
        production = {**_PRODUCTION_IDENTITY, **_PRODUCTION_SIGN_IN}
        mixed = [env for field, env in production.items() if getattr(s, field)]
        if mixed:
            problems.append(
                f"GATEWAY_MODE=demo signs its own tokens, never with {', '.join(mixed)}:"
                " unset them, or unset GATEWAY_MODE to run in production"
            )
        if not is_loopback_host(s.host) and not s.demo_allow_remote:
            problems.append(
                "GATEWAY_MODE=demo listens on loopback only (GATEWAY_HOST or --host such as"
                " 127.0.0.1): anyone who reaches a demo port can sign in as its demo users."
                " Set GATEWAY_DEMO_ALLOW_REMOTE=true to listen elsewhere anyway"
            )
        keys = [(user.tenant_id, user.user_id) for user in s.demo_users]
        if len(set(keys)) != len(keys):
            problems.append("GATEWAY_DEMO_USERS names the same tenant and user twice")
        return problems
    problems = []
    missing = [env for field, env in _PRODUCTION_IDENTITY.items() if not getattr(s, field)]
    if missing:
        problems.append(
            f"production mode (GATEWAY_MODE=production, the default) needs {', '.join(missing)}:"
            " your identity provider's JWKS URL, its issuer and this app's audience"
            " (GATEWAY_MODE=demo runs the local demo instead)"
        )
    if s.jwks_url and not _trusted_key_url(s.jwks_url):
        problems.append(
            "GATEWAY_JWKS_URL must be an https:// URL (http:// only on a loopback host):"
            " keys fetched in the clear could be swapped on the way"
        )
    if s.oidc_issuer and not _trusted_key_url(s.oidc_issuer):
        problems.append(
            "GATEWAY_OIDC_ISSUER must be an https:// URL (http:// only on a loopback host):"
            " the page sends its sign-in codes and tokens there"
        )
    if s.oidc_client_id and not s.oidc_issuer and s.issuer and not _trusted_key_url(s.issuer):
        problems.append(
            "GATEWAY_ISSUER is where the page signs in (GATEWAY_OIDC_ISSUER is unset), so it"
            " must be an https:// URL (http:// only on a loopback host)"
        )
    return problems


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1 (bracketed or not)."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _trusted_key_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if not host:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host))


def explain(refusal: ValidationError) -> str:
    """The refused settings as lines a person can act on: the variable, then why. Never
    the value given (it may be a secret URL)."""
    lines = []
    for error in refusal.errors(include_input=False, include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        field, *within = [str(part) for part in error["loc"]] or [""]
        variable = field if field.isupper() else f"GATEWAY_{field.upper()}"  # aliases
        if within:
            variable += f" ({', '.join(within)})"
        lines.append(f"  {variable}: {message}" if field else f"  {message}")
    return "the gateway's settings are refused:\n" + "\n".join(lines)


def load_settings(**overrides: Any) -> GatewaySettings:
    """The environment's settings with ``overrides`` (by field name, ``None`` = not given)
    on top, validated together, so ``--host`` is checked like ``GATEWAY_HOST``. Refused
    settings exit the process with ``explain``'s lines, not a traceback: for the command
    line (``mysessions run gateway``, ``mysessions demo``), never for a running server."""
    given = {name: value for name, value in overrides.items() if value is not None}
    try:
        return GatewaySettings(**given)
    except ValidationError as refusal:
        sys.exit(explain(refusal))
