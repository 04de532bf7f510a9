"""The local three-broker Kafka (``infra up --kafka-brokers 3``): three KRaft nodes, each a
broker and a controller, on ports and data folders of their own beside the single broker,
which they neither replace nor touch.

The nodes share one cluster id (written once, beside their folders) and a static quorum of
all three controllers, so any two keep the cluster running while the third is away.
"""

import base64
import os
import signal
import uuid
from pathlib import Path

from .endpoints import (
    KAFKA_CLUSTER_BROKER_PORTS,
    KAFKA_CLUSTER_CONTROLLER_PORTS,
    KAFKA_ENV,
    LOCAL_HOST,
)
from .kafka_files import cluster_node_properties, log4j2_properties
from .kafka_runtime import KafkaRuntime
from .paths import log_file, pid_file
from .probes import ping_kafka
from .processes import spawn_detached

__all__ = ["CLUSTER_SIZE", "KafkaClusterNode", "kafka_cluster", "new_cluster_id"]

CLUSTER_SIZE = len(KAFKA_CLUSTER_BROKER_PORTS)

# Three JVMs beside the single broker, the other servers and the test workers on a shared
# two-core machine: small heaps; the client compiler only and the serial collector, which
# halve the CPU a node takes to start (8.6 s for the three instead of 16 s, measured) and
# so the time a restarted node is away, at a cost in peak throughput a local cluster does
# not reach.
_JVM = ("-Xmx384m", "-Xms128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def new_cluster_id() -> str:
    """What ``kafka-storage random-uuid`` prints (a UUID in URL-safe base64, unpadded, never
    starting with ``-``, which the tools would take for an option), without a JVM start."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def _voters() -> str:
    return ",".join(
        f"{node_id}@{LOCAL_HOST}:{port}"
        for node_id, port in enumerate(KAFKA_CLUSTER_CONTROLLER_PORTS, start=1)
    )


class KafkaClusterNode:
    """Node ``node_id`` (1 to 3) of the cluster, one LocalServer each: started, probed and
    stopped (or killed, by a test) like any other local server."""

    env_var = KAFKA_ENV
    ready_timeout = 120.0
    stop_signal = signal.SIGTERM

    def __init__(self, cache: Path, node_id: int) -> None:
        self.node_id = node_id
        self.name = f"kafka-{node_id}"
        self.port = KAFKA_CLUSTER_BROKER_PORTS[node_id - 1]
        self.controller_port = KAFKA_CLUSTER_CONTROLLER_PORTS[node_id - 1]
        self.runtime = KafkaRuntime(cache)
        self.cluster_dir = cache / "kafka-cluster"
        self.node_dir = self.cluster_dir / f"node-{node_id}"
        self.data_dir = self.node_dir / "data"
        self.properties = self.node_dir / "server.properties"
        self.log_file = log_file(cache, self.name)
        self.pid_file = pid_file(cache, self.name)
        self.process_marker = str(self.properties)

    def is_installed(self) -> bool:
        return self.runtime.is_installed()

    def install(self) -> None:
        self.runtime.install()

    def _cluster_id(self) -> str:
        """The one id every node is formatted with. The nodes start in parallel: the first
        to link its candidate into place decides, the others read it."""
        id_file = self.cluster_dir / "cluster.id"
        candidate = self.node_dir / "cluster.id.candidate"
        candidate.write_text(new_cluster_id() + "\n")
        try:
            os.link(candidate, id_file)  # atomic, and refuses an existing file
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
        return id_file.read_text().strip()

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.properties.write_text(
            cluster_node_properties(
                self.node_id, self.port, self.controller_port, _voters(), self.data_dir
            )
        )
        log_config = self.node_dir / "log4j2.properties"
        log_config.write_text(log4j2_properties())
        if not (self.data_dir / "meta.properties").is_file():
            self.runtime.format_storage(log_config, self.properties, self._cluster_id())
        command = self.runtime.java(log_config, "kafka.Kafka", str(self.properties), jvm=_JVM)
        spawn_detached(command, log_file=self.log_file, pid_file=self.pid_file)

    async def ping(self, url: str) -> None:
        """Ready once the cluster has all its brokers: a topic of three replicas can be
        created then."""
        await ping_kafka(url, brokers=CLUSTER_SIZE)


def kafka_cluster(cache: Path) -> tuple[KafkaClusterNode, ...]:
    return tuple(KafkaClusterNode(cache, node_id) for node_id in range(1, CLUSTER_SIZE + 1))
