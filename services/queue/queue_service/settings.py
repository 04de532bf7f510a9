from datetime import timedelta
from typing import ClassVar, Self

from contracts import topics
from mysessions_platform.worker.settings import WorkerSettings
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from queue_service.adapters.live_events import LiveEventsPolicy


class QueueSettings(WorkerSettings):
    model_config = SettingsConfigDict(env_prefix="QUEUE_", extra="ignore")
    DEFAULT_HEALTH_PORT: ClassVar[int] = 9182

    group_id: str = "queue"
    source_topic: str = topics.SESSION_EVENTS
    dead_letter_topic: str = topics.DEAD_LETTERS
    changelog_topic: str = topics.TASK_CHANGELOG
    acw_topic: str = topics.AFTER_CALL_WORK
    """Saved after-call work: the same subscription and group as ``source_topic``; clears
    the task's open marker."""
    settings_refresh_s: float = 5.0
    """Service settings (the Codes and Tags widget) are read again at most this often."""
    """Compacted topic of every stored task: what `mysessions rebuild` restores history from."""
    key_prefix: str = "ms"
    history_days: float = 30
    history_max_entries: int = 1000
    idle_after_s: float = 4 * 3600
    """The watchdog closes tasks of a voice session that had no event for this long."""
    idle_after_media_s: float = 72 * 3600
    """The same for e-mail and chat sessions, which are worked slowly (a weekend)."""
    watchdog_interval_s: float = 60
    session_facts_days: float = 7
    """How long a session's facts are kept after its last event: events arriving later
    than that cannot change its tasks any more."""
    live_events_max_entries: int = Field(default=1000, ge=1, le=100_000)
    """Changes kept per agent for the gateway's live replay (adapters/live_events.py)."""
    live_events_ttl_s: float = Field(default=86400, gt=0)
    """An agent's change stream expires this long after their last change."""
    max_batch: int = 500
    partitions: int = 3

    @model_validator(mode="after")
    def _idle_limits_fit_the_facts(self) -> Self:
        # A session idle longer than its facts live could no longer be closed: the expiry
        # needs its facts (and the index entry would only be forgotten).
        facts_s = self.session_facts_days * 86400
        for name in ("idle_after_s", "idle_after_media_s"):
            if not 0 < getattr(self, name) < facts_s:
                raise ValueError(f"{name} must be positive and shorter than session_facts_days")
        if "{" in self.key_prefix or "}" in self.key_prefix:
            raise ValueError("key_prefix must not contain braces")
        return self

    @property
    def history_window(self) -> timedelta:
        return timedelta(days=self.history_days)

    @property
    def live_events(self) -> LiveEventsPolicy:
        return LiveEventsPolicy(
            max_entries=self.live_events_max_entries, ttl=timedelta(seconds=self.live_events_ttl_s)
        )

    @property
    def idle_after(self) -> timedelta:
        return timedelta(seconds=self.idle_after_s)

    @property
    def idle_after_media(self) -> timedelta:
        return timedelta(seconds=self.idle_after_media_s)

    @property
    def watchdog_lease_ttl(self) -> timedelta:
        """Long enough to outlast a few slow sweeps, short enough for a quick takeover."""
        return timedelta(seconds=max(10.0, 3 * self.watchdog_interval_s))

    @property
    def session_facts_ttl(self) -> timedelta:
        return timedelta(days=self.session_facts_days)
