"""Where the servers are: the same three variables for every worker and for the tests."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_KAFKA = "127.0.0.1:39092"
DEFAULT_REDIS = "redis://127.0.0.1:36379/0"
DEFAULT_MONGODB = "mongodb://127.0.0.1:37017/"


class ServerSettings(BaseSettings):
    """Services subclass this with their own ``env_prefix``; the server URLs keep their
    unprefixed names so one environment configures every worker alike."""

    model_config = SettingsConfigDict(extra="ignore")

    kafka_bootstrap_servers: str = Field(
        default=DEFAULT_KAFKA, validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    redis_url: str = Field(default=DEFAULT_REDIS, validation_alias="REDIS_URL")
    mongodb_url: str = Field(default=DEFAULT_MONGODB, validation_alias="MONGODB_URL")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
