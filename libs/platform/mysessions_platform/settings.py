"""Where the servers are: the same three variables for every worker and for the tests."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from mysessions_platform.infra.endpoints import endpoints

_LOCAL = endpoints(environ={})  # the local servers of `mysessions infra up`


class ServerSettings(BaseSettings):
    """Services subclass this with their own ``env_prefix``; the server URLs keep their
    unprefixed names (as in ``infra.endpoints``) so one environment configures every
    worker alike."""

    model_config = SettingsConfigDict(extra="ignore")

    kafka_bootstrap_servers: str = Field(
        default=_LOCAL.kafka_bootstrap_servers, validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    redis_url: str = Field(default=_LOCAL.redis_url, validation_alias="REDIS_URL")
    mongodb_url: str = Field(default=_LOCAL.mongodb_url, validation_alias="MONGODB_URL")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
