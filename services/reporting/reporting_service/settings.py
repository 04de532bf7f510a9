from datetime import timedelta
from typing import ClassVar

from contracts import topics
from mysessions_platform.worker.settings import WorkerSettings
from pydantic_settings import SettingsConfigDict


class ReportingSettings(WorkerSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")
    DEFAULT_HEALTH_PORT: ClassVar[int] = 9184

    group_id: str = "reporting"
    changelog_topic: str = topics.TASK_CHANGELOG
    events_topic: str = topics.SESSION_EVENTS
    acw_topic: str = topics.AFTER_CALL_WORK
    target_topic: str = topics.REPORTING_SESSIONS
    dead_letter_topic: str = topics.DEAD_LETTERS
    queue_key_prefix: str = "ms"
    """The queue's Redis key prefix (its ``QUEUE_KEY_PREFIX``): the system's conclusion goes
    through after-call work's save path, which reads the task there."""
    outbox_interval_s: float = 1.0
    """How often saves whose acw.submitted Kafka never confirmed are sent again."""
    settle_s: float = 10.0
    """Quiet time after a session's last fact before it is judged (reordered events)."""
    queue_lag_limit_s: float = 3600.0
    """How long a session waits for the queue to fold every event before it is written anyway."""
    late_window_s: float = 7 * 24 * 3600.0
    """How long after a session's records were written a fact of it is still counted as late
    (a redelivered one recognised as such): then its marker is purged. The session events'
    retention, so a replay of that topic is still told apart."""
    sweep_interval_s: float = 2.0
    sweep_batch: int = 200
    settings_refresh_s: float = 5.0
    max_batch: int = 500
    partitions: int = 3

    @property
    def settle(self) -> timedelta:
        return timedelta(seconds=self.settle_s)

    @property
    def late_window(self) -> timedelta:
        return timedelta(seconds=self.late_window_s)

    @property
    def queue_lag_limit(self) -> timedelta:
        return timedelta(seconds=self.queue_lag_limit_s)

    @property
    def lease_ttl(self) -> timedelta:
        return timedelta(seconds=max(10.0, 5 * self.sweep_interval_s))
