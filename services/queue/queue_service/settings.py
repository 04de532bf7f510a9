from datetime import timedelta

from contracts import topics
from mysessions_platform.settings import ServerSettings
from pydantic_settings import SettingsConfigDict


class QueueSettings(ServerSettings):
    model_config = SettingsConfigDict(env_prefix="QUEUE_", extra="ignore")

    group_id: str = "queue"
    source_topic: str = topics.SESSION_EVENTS
    dead_letter_topic: str = topics.DEAD_LETTERS
    changelog_topic: str = topics.TASK_CHANGELOG
    """Compacted topic of every stored task: what `mysessions rebuild` restores history from."""
    key_prefix: str = "ms"
    history_days: float = 30
    history_max_entries: int = 1000
    idle_after_s: float = 4 * 3600
    """The watchdog closes tasks of a session that had no event for this long."""
    watchdog_interval_s: float = 60
    session_facts_days: float = 7
    """How long a session's facts are kept after its last event: events arriving later
    than that cannot change its tasks any more."""
    max_batch: int = 500
    partitions: int = 3

    @property
    def history_window(self) -> timedelta:
        return timedelta(days=self.history_days)

    @property
    def idle_after(self) -> timedelta:
        return timedelta(seconds=self.idle_after_s)

    @property
    def session_facts_ttl(self) -> timedelta:
        return timedelta(days=self.session_facts_days)
