"""Kafka: the brokers, every topic the workers use against its spec, every worker group's
members and lag."""

from collections.abc import Sequence

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from mysessions_platform.kafka.topics import TopicSettings, TopicSpec, check_topics

from mysessions.operations.deployment import Deployment, WorkerGroup
from mysessions.operations.doctor.findings import Finding, Status
from mysessions.operations.lag import GroupLag, group_lags

__all__ = ["check_kafka", "judge_group"]

REQUEST_TIMEOUT_MS = 3000


async def check_kafka(
    bootstrap_servers: str, plan: Deployment, settings: TopicSettings, max_lag: int
) -> list[Finding]:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=REQUEST_TIMEOUT_MS
    )
    try:
        await admin.start()
    except KafkaError as error:
        await admin.close()
        return [_unreachable(bootstrap_servers, error)]
    try:
        findings = [await _brokers(admin, bootstrap_servers, settings)]
    finally:
        await admin.close()
    findings += await _topics(bootstrap_servers, plan.topics)
    lags = await group_lags(bootstrap_servers, [(g.group_id, g.inputs) for g in plan.groups])
    findings += [
        judge_group(group, lag, max_lag) for group, lag in zip(plan.groups, lags, strict=True)
    ]
    return findings


def _unreachable(bootstrap_servers: str, error: KafkaError) -> Finding:
    return Finding(
        "kafka",
        bootstrap_servers,
        Status.PROBLEM,
        f"no broker answers at {bootstrap_servers} ({type(error).__name__}); topics and"
        " consumer groups could not be checked",
        "start Kafka (locally: `mysessions infra up`), or point KAFKA_BOOTSTRAP_SERVERS at"
        " a running broker; the workers stall (nothing is lost) until it is back",
    )


async def _brokers(
    admin: AIOKafkaAdminClient, bootstrap_servers: str, settings: TopicSettings
) -> Finding:
    cluster = await admin.describe_cluster()
    brokers = cluster["brokers"]
    listed = ", ".join(f"{b['node_id']} at {b['host']}:{b['port']}" for b in brokers)
    saw = f"{len(brokers)} broker(s) ({listed}), controller {cluster['controller_id']}"
    if cluster["controller_id"] < 0:
        return Finding(
            "kafka",
            bootstrap_servers,
            Status.PROBLEM,
            f"{saw}: no active controller",
            "look at the brokers' logs: topics cannot be created or changed",
        )
    # Replication left to the cluster (no KAFKA_REPLICATION_FACTOR) always fits its brokers.
    wanted = settings.replication
    if wanted is not None and len(brokers) < wanted.factor:
        return Finding(
            "kafka",
            bootstrap_servers,
            Status.PROBLEM,
            f"{saw}, fewer than the {wanted.factor} replicas each topic wants",
            f"start more brokers, or set KAFKA_REPLICATION_FACTOR to {len(brokers)} or less",
        )
    return Finding("kafka", bootstrap_servers, Status.OK, saw)


async def _topics(bootstrap_servers: str, specs: Sequence[TopicSpec]) -> list[Finding]:
    drift = await check_topics(bootstrap_servers, specs)
    findings = []
    for spec in specs:
        differences = [d.split(": ", 1)[1] for d in drift if d.startswith(f"{spec.name}: ")]
        findings.append(_judge_topic(spec, differences))
    return findings


def _judge_topic(spec: TopicSpec, differences: list[str]) -> Finding:
    if "missing" in differences:
        return Finding(
            "topics",
            spec.name,
            Status.PROBLEM,
            "missing",
            "start the workers (each creates its topics with their specs), or"
            f" `mysessions topics check --partitions {spec.partitions} --apply`",
        )
    if differences:
        return Finding(
            "topics",
            spec.name,
            Status.PROBLEM,
            "differs from its spec: " + "; ".join(differences),
            f"`mysessions topics check --partitions {spec.partitions} --apply` raises"
            " partitions and sets the configs (replication needs a partition reassignment)",
        )
    return Finding(
        "topics",
        spec.name,
        Status.OK,
        f"{spec.partitions} partitions, {_copies(spec)},"
        f" {spec.cleanup_policy}, retention {spec.retention_ms // 3_600_000} h, as specified",
    )


def judge_group(group: WorkerGroup, lag: GroupLag, max_lag: int) -> Finding:
    """Plain words on a worker's consumer group: is anyone reading, and how far behind."""
    members = len(lag.members)
    partitions = len({(p.topic, p.partition) for p in lag.partitions})
    behind = f"{lag.total:,} record(s) behind on {', '.join(group.inputs)}"
    subject = f"{group.worker} workers, group {group.group_id}"
    if members == 0:
        return Finding(
            "groups",
            subject,
            Status.PROBLEM,
            f"no member: no {group.worker} worker is reading; {behind}",
            f"start one (`mysessions run {group.worker}`), or look at why its workers stopped"
            " (their logs, /readyz)",
        )
    saw = f"{members} member(s), {lag.state.lower()}, {behind}"
    if lag.total > max_lag:
        return Finding(
            "groups",
            subject,
            Status.PROBLEM,
            f"{saw}, above {max_lag:,}",
            f"start more {group.worker} workers (they share {partitions} partitions), or look"
            " in their logs for outages",
        )
    if lag.state != "Stable":
        return Finding(
            "groups",
            subject,
            Status.NOTE,
            f"{saw}: rebalancing",
            "look again in a few seconds; a rebalance that lasts means workers come and go",
        )
    idle = sum(1 for member in lag.members if not member.partitions)
    if idle:
        return Finding(
            "groups",
            subject,
            Status.NOTE,
            f"{saw}; {idle} member(s) without a partition",
            "more consumers than partitions: they wait as standbys; add partitions to use them",
        )
    return Finding("groups", subject, Status.OK, saw)


def _copies(spec: TopicSpec) -> str:
    if spec.replication is None:
        return "replication as the cluster's brokers decide"
    return f"replication factor {spec.replication.factor}"
