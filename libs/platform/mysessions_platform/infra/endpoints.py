"""Where the three servers are: an environment URL wins, else the local server's address."""

import os
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "FERRETDB_DEBUG_PORT",
    "KAFKA_CLUSTER_BOOTSTRAP_SERVERS",
    "KAFKA_CLUSTER_BROKER_PORTS",
    "KAFKA_CLUSTER_CONTROLLER_PORTS",
    "KAFKA_CONTROLLER_PORT",
    "KAFKA_ENV",
    "KAFKA_PORT",
    "LOCAL_HOST",
    "MONGODB_ENV",
    "MONGODB_PORT",
    "POSTGRESQL_PORT",
    "REDIS_CLUSTER_BUS_PORTS",
    "REDIS_CLUSTER_ENV",
    "REDIS_CLUSTER_PORTS",
    "REDIS_CLUSTER_URL",
    "REDIS_ENV",
    "REDIS_PORT",
    "Endpoints",
    "endpoints",
    "is_external",
    "is_true",
]

# Ports far from the usual defaults so a developer's own Kafka/Redis/MongoDB never clash.
LOCAL_HOST = "127.0.0.1"
KAFKA_PORT = 39092
KAFKA_CONTROLLER_PORT = 39093
REDIS_PORT = 36379
MONGODB_PORT = 37017
FERRETDB_DEBUG_PORT = 38088
POSTGRESQL_PORT = 37019  # the local FerretDB's storage; nothing else talks to it
# The three-broker cluster (`infra up --kafka-brokers 3`), beside the single broker. Below the
# ephemeral range (32768-60999): it starts mid test run, when clients hold local ports there.
KAFKA_CLUSTER_BROKER_PORTS = (29192, 29193, 29194)
KAFKA_CLUSTER_CONTROLLER_PORTS = (29195, 29196, 29197)
KAFKA_CLUSTER_BOOTSTRAP_SERVERS = ",".join(
    f"{LOCAL_HOST}:{port}" for port in KAFKA_CLUSTER_BROKER_PORTS
)

# The six-node Redis Cluster (`infra up --redis-cluster`): three primaries, a replica each.
# Below the ephemeral range too, for the same reason. A cluster client needs one seed node.
# Each node's cluster bus port is set too: Redis's default (port + 10000) would be 36379,
# the single Redis's port.
REDIS_CLUSTER_PORTS = (26379, 26380, 26381, 26382, 26383, 26384)
REDIS_CLUSTER_BUS_PORTS = (27379, 27380, 27381, 27382, 27383, 27384)
REDIS_CLUSTER_URL = f"redis://{LOCAL_HOST}:{REDIS_CLUSTER_PORTS[0]}/0"

KAFKA_ENV = "KAFKA_BOOTSTRAP_SERVERS"
REDIS_ENV = "REDIS_URL"
REDIS_CLUSTER_ENV = "REDIS_CLUSTER"  # "true": REDIS_URL is a seed node of a Redis Cluster
MONGODB_ENV = "MONGODB_URL"

_LOCAL_DEFAULTS = {
    KAFKA_ENV: f"{LOCAL_HOST}:{KAFKA_PORT}",
    REDIS_ENV: f"redis://{LOCAL_HOST}:{REDIS_PORT}/0",
    MONGODB_ENV: f"mongodb://{LOCAL_HOST}:{MONGODB_PORT}/",
}


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap_servers: str
    redis_url: str
    mongodb_url: str
    redis_cluster: bool = False  # REDIS_URL names a seed node of a Redis Cluster


_TRUE = frozenset({"1", "true", "yes", "on"})


def is_true(value: str | None) -> bool:
    """An environment flag as pydantic reads a bool: ``true``, ``1``, ``yes``, ``on``."""
    return (value or "").strip().lower() in _TRUE


def is_external(env_var: str, environ: Mapping[str, str] | None = None) -> bool:
    """True when the environment names this server, so we neither install nor start it."""
    return bool((os.environ if environ is None else environ).get(env_var))


def _url(env_var: str, environ: Mapping[str, str]) -> str:
    return environ.get(env_var) or _LOCAL_DEFAULTS[env_var]


def endpoints(environ: Mapping[str, str] | None = None) -> Endpoints:
    """The effective URLs: each environment variable if set, else the local server."""
    env = os.environ if environ is None else environ
    return Endpoints(
        kafka_bootstrap_servers=_url(KAFKA_ENV, env),
        redis_url=_url(REDIS_ENV, env),
        mongodb_url=_url(MONGODB_ENV, env),
        redis_cluster=is_true(env.get(REDIS_CLUSTER_ENV)),
    )
