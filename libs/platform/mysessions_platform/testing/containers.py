"""Throwaway Docker containers for the servers, used only where a Docker engine answers.

Not exercised on the project's machines (they have no engine); kept to the documented
testcontainers API so a developer laptop with Docker gets isolated servers for free.
"""

from contextlib import ExitStack
from dataclasses import replace

from mysessions_platform.infra.endpoints import (
    KAFKA_ENV,
    MONGODB_ENV,
    REDIS_ENV,
    Endpoints,
    is_external,
)

__all__ = ["start_containers"]

# testcontainers' KafkaContainer scripts its KRaft set-up for Confluent's images.
KAFKA_IMAGE = "confluentinc/cp-kafka:7.9.0"
REDIS_IMAGE = "redis:7.4"
MONGODB_IMAGE = "mongo:8.0"


def start_containers(urls: Endpoints, stack: ExitStack) -> Endpoints:
    """Start one container per server the environment does not name; ``stack`` stops them."""
    # Imported here: the Docker libraries load only when an engine is known to answer.
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.mongodb import MongoDbContainer
    from testcontainers.community.redis import RedisContainer

    if not is_external(KAFKA_ENV):
        kafka = stack.enter_context(KafkaContainer(KAFKA_IMAGE).with_kraft())
        urls = replace(urls, kafka_bootstrap_servers=kafka.get_bootstrap_server())
    if not is_external(REDIS_ENV):
        redis = stack.enter_context(RedisContainer(REDIS_IMAGE))
        host, port = redis.get_container_host_ip(), redis.get_exposed_port(6379)
        urls = replace(urls, redis_url=f"redis://{host}:{port}/0")
    if not is_external(MONGODB_ENV):
        mongodb = stack.enter_context(MongoDbContainer(MONGODB_IMAGE))
        urls = replace(urls, mongodb_url=mongodb.get_connection_url())
    return urls
