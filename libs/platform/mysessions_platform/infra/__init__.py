"""Real Kafka, Redis and FerretDB (MongoDB wire) servers as local processes, for development
and tests: installed into the cache folder on first use, started once, reused afterwards.

Each server is skipped when its environment variable names an external one
(KAFKA_BOOTSTRAP_SERVERS, REDIS_URL, MONGODB_URL). ``up(kafka_brokers=3)`` runs a
three-broker Kafka cluster (``kafka_cluster``) instead of the single broker, and
``up(redis_nodes=True)`` a six-node Redis Cluster (``redis_cluster``) instead of the single
Redis; ``down`` stops them too. Errors (see ``errors``)::

    InfraError
    ├── InstallError
    └── ServerNotReady
"""

from .endpoints import Endpoints, endpoints
from .errors import InfraError, InstallError, ServerNotReady
from .lifecycle import (
    ServerStatus,
    down,
    kafka_cluster_down,
    kafka_cluster_running,
    redis_cluster_down,
    redis_cluster_running,
    status,
    up,
)
from .paths import cache_dir

__all__ = [
    "Endpoints",
    "InfraError",
    "InstallError",
    "ServerNotReady",
    "ServerStatus",
    "cache_dir",
    "down",
    "endpoints",
    "kafka_cluster_down",
    "kafka_cluster_running",
    "redis_cluster_down",
    "redis_cluster_running",
    "status",
    "up",
]
