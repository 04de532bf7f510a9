"""Where the servers are: the same three variables for every worker and for the tests."""

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from mysessions_platform.infra.endpoints import endpoints
from mysessions_platform.redis_client import RedisClient, redis_client

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
    # REDIS_URL then names one seed node of a Redis Cluster (mysessions_platform.redis_client).
    redis_cluster: bool = Field(default=False, validation_alias="REDIS_CLUSTER")
    mongodb_url: str = Field(default=_LOCAL.mongodb_url, validation_alias="MONGODB_URL")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")

    def redis_client(self, **options: Any) -> RedisClient:
        """A client for REDIS_URL, a cluster client when REDIS_CLUSTER (not yet connected)."""
        return redis_client(self.redis_url, cluster=self.redis_cluster, **options)
