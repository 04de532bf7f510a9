from datetime import timedelta
from typing import ClassVar

from contracts import topics
from mysessions_platform.service_settings.cache import DEFAULT_REFRESH_S
from mysessions_platform.worker.settings import WorkerSettings
from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict


class ContextSettings(WorkerSettings):
    model_config = SettingsConfigDict(env_prefix="CONTEXT_", extra="ignore")
    DEFAULT_HEALTH_PORT: ClassVar[int] = 9183

    settings_refresh_s: float = Field(default=DEFAULT_REFRESH_S, gt=0, le=300)
    """How stale a worker's copy of the service settings may get (CONTEXT_SETTINGS_REFRESH_S)."""
    group_id: str = "context"
    source_topic: str = topics.SESSION_EVENTS
    dead_letter_topic: str = topics.DEAD_LETTERS
    key_prefix: str = "ms"
    max_batch: int = Field(default=500, ge=1)
    partitions: int = 3
    live_ttl_s: float = Field(default=8 * 86400, gt=0)
    """A live context not written for this long is dropped (a session whose end never
    came; longer than the queue's idle limits, so the watchdog's expiry comes first)."""
    ended_marker_s: float = Field(default=7 * 86400, gt=0)
    """How long an ended session's data-free marker keeps late events from reviving it."""
    purge_interval_s: float = Field(default=300, gt=0)
    """Where the server refuses TTL indexes: how often expired records are deleted."""
    caller_deadline_s: float = Field(default=3.0, gt=0, le=30)
    region: str | None = None
    """Region for address-book numbers written without a country code (e.g. CH)."""

    @field_validator("key_prefix")
    @classmethod
    def _no_braces(cls, prefix: str) -> str:
        if "{" in prefix or "}" in prefix:
            raise ValueError("key_prefix must not contain braces")
        return prefix

    @property
    def live_ttl(self) -> timedelta:
        return timedelta(seconds=self.live_ttl_s)

    @property
    def ended_marker_ttl(self) -> timedelta:
        return timedelta(seconds=self.ended_marker_s)
