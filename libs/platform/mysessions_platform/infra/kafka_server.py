"""Apache Kafka in KRaft mode from Maven Central jars, one combined broker+controller node."""

import signal
from pathlib import Path

from .endpoints import KAFKA_ENV, KAFKA_PORT
from .kafka_files import log4j2_properties, server_properties
from .kafka_runtime import KafkaRuntime
from .paths import log_file, pid_file
from .probes import ping_kafka
from .processes import spawn_detached

__all__ = ["KafkaServer"]

_HEAP = ("-Xmx512m", "-Xms256m")  # the machine is shared with the other servers and tests
# Lean: the client compiler only. Over the whole test suite the broker took 46 CPU-s
# instead of 64 (a third of that had gone to the server compiler's threads, compiling for
# a peak the tests never reach), and it takes 4-6 CPU-s to start instead of 7. A
# benchmark wants the full compiler: `infra up` starts that unless asked to be lean.
_LEAN = ("-XX:TieredStopAtLevel=1",)


class KafkaServer:
    name = "kafka"
    env_var = KAFKA_ENV
    port = KAFKA_PORT
    ready_timeout = 120.0
    stop_signal = signal.SIGTERM

    def __init__(self, cache: Path, *, lean: bool = False) -> None:
        self.lean = lean
        self.runtime = KafkaRuntime(cache)
        self.config_dir = cache / "kafka" / "config"
        self.data_dir = cache / "kafka-data"
        self.log_file = log_file(cache, self.name)
        self.pid_file = pid_file(cache, self.name)
        self.process_marker = str(self.config_dir / "server.properties")

    def is_installed(self) -> bool:
        return self.runtime.is_installed()

    def install(self) -> None:
        self.runtime.install()

    def start(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        properties = self.config_dir / "server.properties"
        properties.write_text(server_properties(self.data_dir))
        log_config = self.config_dir / "log4j2.properties"
        log_config.write_text(log4j2_properties())
        if not (self.data_dir / "meta.properties").is_file():
            cluster_id = self.runtime.random_cluster_id(log_config)
            self.runtime.format_storage(log_config, properties, cluster_id, "--standalone")
        command = self.runtime.java(
            log_config, "kafka.Kafka", str(properties), jvm=self.jvm_options()
        )
        spawn_detached(command, log_file=self.log_file, pid_file=self.pid_file)

    def jvm_options(self) -> tuple[str, ...]:
        return (*_HEAP, *_LEAN) if self.lean else _HEAP

    async def ping(self, url: str) -> None:
        await ping_kafka(url)
