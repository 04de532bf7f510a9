from typing import ClassVar

from contracts import topics
from mysessions_platform.worker.settings import WorkerSettings
from pydantic_settings import SettingsConfigDict


class IngestSettings(WorkerSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_", extra="ignore")
    DEFAULT_HEALTH_PORT: ClassVar[int] = 9181

    group_id: str = "ingest"
    source_topic: str = topics.TELEPHONY_EVENTS
    target_topic: str = topics.SESSION_EVENTS
    dead_letter_topic: str = topics.DEAD_LETTERS
    key_prefix: str = "ms"
    dedupe_ttl_s: int = 24 * 3600
    """How long an event id is remembered; upstream redeliveries older than this pass (and
    the queue still absorbs them). Each id costs ~140 bytes of Redis for this long."""
    max_batch: int = 500
    partitions: int = 3
