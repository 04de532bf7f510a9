"""The webhooks worker's environment: ``WEBHOOKS_`` and the shared server variables."""

from typing import ClassVar

from contracts import topics
from mysessions_platform.worker.settings import WorkerSettings
from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from webhooks_service.domain.schedule import DEFAULT_DELAYS_S
from webhooks_service.targets import Mode

__all__ = ["WebhooksSettings"]


class WebhooksSettings(WorkerSettings):
    model_config = SettingsConfigDict(env_prefix="WEBHOOKS_", extra="ignore")
    DEFAULT_HEALTH_PORT: ClassVar[int] = 9185

    group_id: str = "webhooks"
    events_topic: str = topics.SESSION_EVENTS
    acw_topic: str = topics.AFTER_CALL_WORK
    records_topic: str = topics.REPORTING_SESSIONS
    key_prefix: str = "ms"
    mode: Mode = "production"
    """``development``: endpoints may be ``http://`` on loopback (domain.targets)."""
    retry_delays_s: tuple[float, ...] = DEFAULT_DELAYS_S
    """Pauses between attempts (JSON list in the environment); about three days in all."""
    timeout_s: float = Field(default=10.0, gt=0, le=60)
    """One attempt, connect to last byte read; a slower endpoint's attempt failed."""
    max_response_bytes: int = Field(default=4096, ge=0, le=1 << 20)
    """Of a response's body, at most this much is read (and only its size is logged)."""
    per_endpoint_concurrency: int = Field(default=4, ge=1, le=64)
    """Requests in flight to one endpoint at a time."""
    dispatch_interval_s: float = Field(default=0.5, gt=0, le=60)
    """How often due deliveries are looked for."""
    claim_lease_s: float = Field(default=60.0, gt=0)
    """A claimed delivery not settled within this (a worker that died) is claimed again."""
    log_entries: int = Field(default=100, ge=1, le=1000)
    """The delivery log keeps the most recent attempts per endpoint."""
    dead_letter_days: float = Field(default=14.0, gt=0)
    """How long a dead-lettered delivery waits for a redelivery before it is dropped."""
    dedupe_days: float = Field(default=7.0, gt=0)
    """An event read again (a rewound batch) within this is not queued twice."""
    session_map_days: float = Field(default=8.0, gt=0)
    """How long the worker remembers which service a session is in (events without one)."""

    @field_validator("key_prefix")
    @classmethod
    def _no_braces(cls, prefix: str) -> str:
        if "{" in prefix or "}" in prefix:
            raise ValueError("key_prefix must not contain braces")
        return prefix

    @field_validator("retry_delays_s")
    @classmethod
    def _positive(cls, delays: tuple[float, ...]) -> tuple[float, ...]:
        if not delays or any(delay <= 0 for delay in delays):
            raise ValueError("retry delays are positive, at least one")
        return delays
