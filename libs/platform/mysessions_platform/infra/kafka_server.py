"""Apache Kafka in KRaft mode from Maven Central jars, one combined broker+controller node."""

import shutil
import signal
from pathlib import Path

from .commands import require_tool, run
from .endpoints import KAFKA_ENV, KAFKA_PORT
from .kafka_files import KAFKA_VERSION, log4j2_properties, pom_xml, server_properties
from .paths import log_file, pid_file
from .probes import ping_kafka
from .processes import spawn_detached

__all__ = ["KafkaServer"]

_JAVA_HINT = "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)"
_MAVEN_HINT = "install Maven 3.8+ (Debian: apt-get install maven)"


class KafkaServer:
    name = "kafka"
    env_var = KAFKA_ENV
    port = KAFKA_PORT
    ready_timeout = 120.0
    stop_signal = signal.SIGTERM

    def __init__(self, cache: Path) -> None:
        self.home = cache / "kafka" / KAFKA_VERSION
        self.libs = self.home / "libs"
        self.config_dir = cache / "kafka" / "config"
        self.data_dir = cache / "kafka-data"
        self.log_file = log_file(cache, self.name)
        self.pid_file = pid_file(cache, self.name)
        self.process_marker = str(self.config_dir / "server.properties")

    def is_installed(self) -> bool:
        return (self.libs / ".complete").is_file()

    def install(self) -> None:
        if self.is_installed():
            return
        require_tool("java", _JAVA_HINT)
        mvn = require_tool("mvn", _MAVEN_HINT)
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "pom.xml").write_text(pom_xml())
        shutil.rmtree(self.libs, ignore_errors=True)  # a half copy from an interrupted run
        run(
            [
                mvn, "-B", "-q", "dependency:copy-dependencies",
                "-DincludeScope=runtime", f"-DoutputDirectory={self.libs}",
            ],
            what=f"downloading Kafka {KAFKA_VERSION} jars with Maven",
            cwd=self.home,
        )  # fmt: skip
        (self.libs / ".complete").write_text(f"{KAFKA_VERSION}\n")

    def _java(self, *arguments: str) -> list[str]:
        log_config = self.config_dir / "log4j2.properties"
        return [
            require_tool("java", _JAVA_HINT),
            f"-Dlog4j2.configurationFile={log_config}",
            "-cp", f"{self.libs}/*",
            *arguments,
        ]  # fmt: skip

    def _format_storage_once(self, properties: Path) -> None:
        if (self.data_dir / "meta.properties").is_file():
            return
        output = run(self._java("kafka.tools.StorageTool", "random-uuid"), what="kafka random-uuid")
        cluster_id = output.strip().splitlines()[-1]
        run(
            self._java(
                "kafka.tools.StorageTool", "format", "--standalone",
                "-t", cluster_id, "-c", str(properties),
            ),
            what="formatting Kafka storage",
        )  # fmt: skip

    def start(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        properties = self.config_dir / "server.properties"
        properties.write_text(server_properties(self.data_dir))
        (self.config_dir / "log4j2.properties").write_text(log4j2_properties())
        self._format_storage_once(properties)
        java, *rest = self._java("kafka.Kafka", str(properties))
        # A small heap: the machine is shared with the other servers and the test workers.
        spawn_detached(
            [java, "-Xmx512m", "-Xms256m", *rest], log_file=self.log_file, pid_file=self.pid_file
        )

    async def ping(self, url: str) -> None:
        await ping_kafka(url)
