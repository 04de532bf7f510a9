"""Where after-call work is read and written: one ``BaseSettings``, env prefix ``ACW_``."""

from contracts import topics
from mysessions_platform.settings import ServerSettings
from pydantic_settings import SettingsConfigDict


class AcwSettings(ServerSettings):
    model_config = SettingsConfigDict(env_prefix="ACW_", extra="ignore")

    topic: str = topics.AFTER_CALL_WORK
    queue_key_prefix: str = "ms"
    """The queue's Redis key prefix (``QUEUE_KEY_PREFIX``): where the tasks are read."""
