"""The files the local Kafka needs: a throwaway pom for its jars, its config, its log config."""

from pathlib import Path

from .endpoints import KAFKA_CONTROLLER_PORT, KAFKA_PORT, LOCAL_HOST

__all__ = [
    "KAFKA_VERSION",
    "cluster_node_properties",
    "log4j2_properties",
    "pom_xml",
    "server_properties",
]

# Latest 4.x whose whole dependency tree Maven Central serves (4.4.0's kafka_2.13 pom is
# there, but its kafka-tools-api jar is not, so it cannot resolve).
KAFKA_VERSION = "4.3.1"
# The log4j2 that kafka_2.13 brings; Kafka's slf4j 1.7 calls need this binding beside it,
# which the distribution tarball ships but the pom does not declare.
_LOG4J_VERSION = "2.25.4"


def pom_xml() -> str:
    return f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.mysessions</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>{KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>{KAFKA_VERSION}</version>
      <scope>runtime</scope>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>{_LOG4J_VERSION}</version>
      <scope>runtime</scope>
    </dependency>
  </dependencies>
</project>
"""


def server_properties(data_dir: Path) -> str:
    """One KRaft node that is broker and controller, reachable on loopback only."""
    return f"""process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://{LOCAL_HOST}:{KAFKA_PORT},CONTROLLER://{LOCAL_HOST}:{KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://{LOCAL_HOST}:{KAFKA_PORT}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers={LOCAL_HOST}:{KAFKA_CONTROLLER_PORT}
log.dirs={data_dir}
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Consumer groups in tests should not wait for more members that will never come.
group.initial.rebalance.delay.ms=0
"""


def cluster_node_properties(
    node_id: int, broker_port: int, controller_port: int, voters: str, data_dir: Path
) -> str:
    """One node of the local three-broker cluster: broker and controller like the single
    broker, with the quorum of all three (``voters``: ``id@host:port,…``), and every topic,
    Kafka's own included, replicated three times and written to two before it is confirmed.

    A node SIGKILLed is fenced (its partitions led elsewhere) once it missed heartbeats for
    ``broker.session.timeout.ms``: 6 s rather than Kafka's 9 s, for a shorter outage, and
    not shorter, so a busy two-core machine's pauses do not fence a live node."""
    listeners = (
        f"PLAINTEXT://{LOCAL_HOST}:{broker_port},CONTROLLER://{LOCAL_HOST}:{controller_port}"
    )
    return f"""process.roles=broker,controller
node.id={node_id}
listeners={listeners}
advertised.listeners=PLAINTEXT://{LOCAL_HOST}:{broker_port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.voters={voters}
log.dirs={data_dir}
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
# Kafka's 50 partitions, three replicas each, would be 150 replica fetchers' worth of work
# on a two-core machine for a handful of test groups.
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
broker.session.timeout.ms=6000
broker.heartbeat.interval.ms=1000
group.initial.rebalance.delay.ms=0
"""


def log4j2_properties() -> str:
    """Warnings and the start/stop lines only: the log is for finding out why it failed."""
    return """status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
"""
