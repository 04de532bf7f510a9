"""Kafka's jars from Maven Central, installed once per cache, and the java command lines that
run its storage tool and its server: shared by the single broker and the cluster's nodes."""

import fcntl
import shutil
from pathlib import Path

from .commands import require_tool, run
from .kafka_files import KAFKA_VERSION, pom_xml

__all__ = ["KafkaRuntime"]

_JAVA_HINT = "install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)"
_MAVEN_HINT = "install Maven 3.8+ (Debian: apt-get install maven)"


class KafkaRuntime:
    def __init__(self, cache: Path) -> None:
        self.home = cache / "kafka" / KAFKA_VERSION
        self.libs = self.home / "libs"

    def is_installed(self) -> bool:
        return (self.libs / ".complete").is_file()

    def install(self) -> None:
        """Once, whoever asks: the cluster's three nodes ask at the same moment, and each
        copy would first empty the folder the others fill."""
        if self.is_installed():
            return
        self.home.mkdir(parents=True, exist_ok=True)
        with (self.home / ".install.lock").open("a") as lock:  # closing it releases the lock
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            if not self.is_installed():
                self._install()

    def _install(self) -> None:
        require_tool("java", _JAVA_HINT)
        mvn = require_tool("mvn", _MAVEN_HINT)
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

    def java(self, log_config: Path, *arguments: str, jvm: tuple[str, ...] = ()) -> list[str]:
        """``java [jvm options] -Dlog4j2… -cp <jars> <arguments>``."""
        return [
            require_tool("java", _JAVA_HINT),
            *jvm,
            f"-Dlog4j2.configurationFile={log_config}",
            "-cp", f"{self.libs}/*",
            *arguments,
        ]  # fmt: skip

    def random_cluster_id(self, log_config: Path) -> str:
        output = run(
            self.java(log_config, "kafka.tools.StorageTool", "random-uuid"),
            what="kafka random-uuid",
        )
        return output.strip().splitlines()[-1]

    def format_storage(
        self, log_config: Path, properties: Path, cluster_id: str, *options: str
    ) -> None:
        """Writes the node's ``meta.properties``; the storage tool refuses a formatted folder,
        so callers format only a folder without one."""
        run(
            self.java(
                log_config,
                "kafka.tools.StorageTool", "format", *options,
                "-t", cluster_id, "-c", str(properties),
            ),
            what="formatting Kafka storage",
        )  # fmt: skip
