"""Every topic's settings, explicit; created at start, or checked against what exists.

Kafka's defaults (7 days, replication factor 1) are wrong for every topic here: raw events
carry callers' numbers and are kept briefly, history needs 30 days, the task changelog is
compacted. ``TOPIC_POLICIES`` says what each topic keeps and why; ``TopicSettings`` adds
what differs per cluster (replication, overrides) from the environment:

- ``KAFKA_REPLICATION_FACTOR``: unset, as the cluster allows (``Replication.for_brokers``:
  as many copies as it has brokers, up to 3, two of three in sync), decided when a topic is
  created or checked; set it (3 in production) so that a topic created while a broker is
  away still gets all its copies,
- ``KAFKA_MIN_INSYNC_REPLICAS`` (with the factor only; default 2 for a factor of 3 or more,
  else 1): how many copies hold a write before the producers' ``acks=all`` confirms it,
- ``TOPIC_<NAME>_RETENTION_MS`` per topic, ``<NAME>`` being the topic's name upper-cased
  with every other character as ``_`` (``TOPIC_TELEPHONY_EVENTS_V1_RETENTION_MS``).

``ensure_topics`` creates missing topics with their settings and never alters an existing
one: a difference is logged as a warning naming each setting, and returned, so an operator
decides (``mysessions topics check``; ``--apply`` raises partitions and sets configs).
"""

import asyncio
import contextlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import structlog
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError
from contracts import limits, topics

DAY_MS: Final = 24 * 3600 * 1000
HISTORY_DAYS: Final = 30
"""The queue's history window (its ``HISTORY_DAYS``)."""
SESSION_FACTS_DAYS: Final = 7
"""How long the queue keeps a session's facts (its ``SESSION_FACTS_DAYS``)."""


HOUR_MS: Final = 3600 * 1000


@dataclass(frozen=True)
class Compaction:
    """How soon a compacted topic drops superseded records.

    Only closed segments are compacted: ``segment_ms`` closes one at the first write after
    that age; ``max_compaction_lag_ms`` makes the cleaner compact a segment at the latest
    that long after its records were written, whatever ``min_cleanable_dirty_ratio`` (the
    share of superseded records that triggers a cleaning earlier)."""

    segment_ms: int
    max_compaction_lag_ms: int
    min_cleanable_dirty_ratio: str
    """As Kafka describes it (a decimal string), so a check compares like with like."""

    def configs(self) -> dict[str, str]:
        return {
            "segment.ms": str(self.segment_ms),
            "max.compaction.lag.ms": str(self.max_compaction_lag_ms),
            "min.cleanable.dirty.ratio": self.min_cleanable_dirty_ratio,
        }


CHANGELOG_COMPACTION: Final = Compaction(
    segment_ms=HOUR_MS, max_compaction_lag_ms=HOUR_MS, min_cleanable_dirty_ratio="0.1"
)
"""The task changelog's live versions carry the caller's details: a task's older versions
are gone about two hours after its newer one was written (the segment holding the newer
version closes within ``segment_ms`` on a partition that keeps being written, and is
compacted within ``max_compaction_lag_ms`` after that). See README, "Sizes and topics"."""


@dataclass(frozen=True)
class TopicPolicy:
    """What a topic keeps, whatever the cluster."""

    retention_ms: int
    cleanup_policy: str
    max_message_bytes: int
    key: str
    why: str
    compaction: Compaction | None = None


TOPIC_POLICIES: Final[Mapping[str, TopicPolicy]] = {
    topics.TELEPHONY_EVENTS: TopicPolicy(
        3 * DAY_MS,
        "delete",
        limits.RAW_TOPIC_MAX_MESSAGE_BYTES,
        "session id",
        "raw upstream events carry callers' numbers: kept long enough to ride out an ingest"
        " outage over a weekend, no longer; accepts records above the event limit so ingest"
        " dead-letters them with a reason",
    ),
    topics.SESSION_EVENTS: TopicPolicy(
        SESSION_FACTS_DAYS * DAY_MS,
        "delete",
        limits.SESSION_TOPIC_MAX_MESSAGE_BYTES,
        "session id",
        "as long as the queue keeps a session's facts: a late event or a replay still folds",
    ),
    topics.AFTER_CALL_WORK: TopicPolicy(
        (HISTORY_DAYS + 1) * DAY_MS,
        "delete",
        limits.SESSION_TOPIC_MAX_MESSAGE_BYTES,
        "session id",
        "after-call work is part of the 30-day history",
    ),
    topics.REPORTING_SESSIONS: TopicPolicy(
        (HISTORY_DAYS + 1) * DAY_MS,
        "delete",
        limits.SESSION_TOPIC_MAX_MESSAGE_BYTES,
        "session id",
        "BI loads can be replayed for the whole history window",
    ),
    topics.EMAIL_REPLIES: TopicPolicy(
        3 * DAY_MS,
        "delete",
        limits.SESSION_TOPIC_MAX_MESSAGE_BYTES,
        "session id",
        "replies carry the caller's address and the agent's text: kept long enough for the"
        " mail connector to ride out an outage over a weekend, no longer",
    ),
    topics.DEAD_LETTERS: TopicPolicy(
        14 * DAY_MS,
        "delete",
        limits.DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES,
        "the original record's key",
        "two weeks to inspect, fix and replay; an envelope always fits",
    ),
    topics.TASK_CHANGELOG: TopicPolicy(
        (HISTORY_DAYS + 1) * DAY_MS,
        "compact,delete",
        limits.MAX_TASK_CHANGELOG_BYTES,
        "the task: tenant, user and user session, as a JSON array",
        "the queue's tasks, latest version each: a rebuild restores the whole history window;"
        " superseded versions (live ones carry the caller) compacted away within about 2 h",
        CHANGELOG_COMPACTION,
    ),
}


@dataclass(frozen=True)
class Replication:
    """How many copies of each partition Kafka keeps (``factor``), and how many must hold a
    write before a producer with ``acks=all`` is told it is done (``min_insync``)."""

    factor: int
    min_insync: int

    @classmethod
    def for_brokers(cls, brokers: int) -> "Replication":
        """As many copies as the cluster has brokers, up to three; with three, two must hold
        each write: one broker may die or restart without a confirmed write lost and
        without writes refused. (Two copies both in sync would refuse every write while one
        is away; one copy is all a single broker has.)"""
        factor = max(1, min(3, brokers))
        return cls(factor=factor, min_insync=2 if factor >= 3 else 1)


@dataclass(frozen=True)
class TopicSpec:
    """Everything ``ensure_topics`` creates a topic with, and checks an existing one for."""

    name: str
    partitions: int
    replication: Replication | None
    """None: as the cluster allows, decided against it (``on_cluster``)."""
    retention_ms: int
    cleanup_policy: str
    max_message_bytes: int
    compaction: Compaction | None = None
    role: str | None = None
    """Which of ``contracts.topics.ALL_TOPICS`` it plays, whatever its name (a test's topics
    have unique names): what its records are (``contracts.topic_messages``)."""

    def on_cluster(self, brokers: int) -> "TopicSpec":
        """This spec on a cluster of ``brokers`` brokers: its replication decided."""
        return replace(self, replication=self.replication or Replication.for_brokers(brokers))

    @property
    def replicated(self) -> Replication:
        if self.replication is None:
            raise ValueError(f"{self.name}: replication not decided yet (on_cluster)")
        return self.replication

    def configs(self) -> dict[str, str]:
        """The topic-level Kafka configs, as the admin API writes and describes them (the
        replication decided: ``on_cluster``)."""
        return {
            "cleanup.policy": self.cleanup_policy,
            "retention.ms": str(self.retention_ms),
            "max.message.bytes": str(self.max_message_bytes),
            "min.insync.replicas": str(self.replicated.min_insync),
            **(self.compaction.configs() if self.compaction else {}),
        }


def retention_variable(name: str) -> str:
    """``telephony.events.v1`` -> ``TOPIC_TELEPHONY_EVENTS_V1_RETENTION_MS``."""
    return f"TOPIC_{re.sub(r'[^A-Z0-9]', '_', name.upper())}_RETENTION_MS"


def _int(environ: Mapping[str, str], variable: str, default: int) -> int:
    raw = environ.get(variable)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{variable} must be an integer") from None
    if value < -1 or value == 0:
        raise ValueError(f"{variable} must be positive (or -1 for no limit)")
    return value


def _set(environ: Mapping[str, str], variable: str) -> bool:
    return bool(environ.get(variable, "").strip())


def _replication(env: Mapping[str, str]) -> Replication | None:
    """From ``KAFKA_REPLICATION_FACTOR`` and ``KAFKA_MIN_INSYNC_REPLICAS``; None (as the
    cluster allows) when neither is set."""
    if not _set(env, "KAFKA_REPLICATION_FACTOR"):
        if _set(env, "KAFKA_MIN_INSYNC_REPLICAS"):
            raise ValueError(
                "KAFKA_MIN_INSYNC_REPLICAS needs KAFKA_REPLICATION_FACTOR (without it, both"
                " follow the cluster's brokers)"
            )
        return None
    factor = _int(env, "KAFKA_REPLICATION_FACTOR", 1)
    in_sync = _int(env, "KAFKA_MIN_INSYNC_REPLICAS", 2 if factor >= 3 else 1)
    if factor > 0 and in_sync > factor:
        # Every acks=all write would then fail: refuse at start, not at the first event.
        raise ValueError(
            f"KAFKA_MIN_INSYNC_REPLICAS ({in_sync}) above KAFKA_REPLICATION_FACTOR ({factor})"
        )
    return Replication(factor=factor, min_insync=in_sync)


@dataclass(frozen=True)
class TopicSettings:
    """What differs per cluster: replication, and per-topic retention overrides."""

    replication: Replication | None = None
    """None: as the cluster allows (``Replication.for_brokers``)."""
    environ: Mapping[str, str] = field(default_factory=dict)
    """Where ``TOPIC_<NAME>_RETENTION_MS`` overrides are read from."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "TopicSettings":
        env = dict(os.environ if environ is None else environ)
        return cls(replication=_replication(env), environ=env)

    def spec(self, role: str, partitions: int, name: str | None = None) -> TopicSpec:
        """The spec of topic ``name`` (default: ``role``) playing ``role``, one of
        ``contracts.topics.ALL_TOPICS``: a test's uniquely named raw topic has the raw
        topic's settings."""
        policy = TOPIC_POLICIES[role]
        topic = name or role
        return TopicSpec(
            name=topic,
            partitions=partitions,
            replication=self.replication,
            retention_ms=_int(self.environ, retention_variable(topic), policy.retention_ms),
            cleanup_policy=policy.cleanup_policy,
            max_message_bytes=policy.max_message_bytes,
            compaction=policy.compaction,
            role=role,
        )


async def _on_cluster(admin: AIOKafkaAdminClient, specs: Sequence[TopicSpec]) -> list[TopicSpec]:
    """The specs with their replication decided for the cluster's brokers (asked only when
    a spec leaves it to the cluster)."""
    if all(spec.replication is not None for spec in specs):
        return list(specs)
    brokers = len((await admin.describe_cluster()).get("brokers") or [])
    return [spec.on_cluster(brokers) for spec in specs]


async def ensure_topics(bootstrap_servers: str, specs: Sequence[TopicSpec]) -> list[str]:
    """Creates the missing topics; returns (and logs as warnings) how existing ones differ.
    A spec that leaves replication to the cluster takes it from the cluster's brokers."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        specs = await _on_cluster(admin, specs)
        existing = set(await admin.list_topics())
        new_topics = [
            NewTopic(s.name, s.partitions, s.replicated.factor, topic_configs=s.configs())
            for s in specs
            if s.name not in existing
        ]
        # Another worker may create the same topic at the same moment; either is fine.
        with contextlib.suppress(TopicAlreadyExistsError):
            if new_topics:
                await admin.create_topics(new_topics)
        if new_topics:
            await until_described(admin, [t.name for t in new_topics])  # else on after 10 s
        drift = await _differences(admin, [s for s in specs if s.name in existing])
    finally:
        await admin.close()
    # A logger bound now, not at import: logging may be configured (and cached) after.
    log = structlog.get_logger(__name__)
    for difference in drift:
        log.warning("topic differs from its spec; not changed", difference=difference)
    return drift


async def check_topics(
    bootstrap_servers: str, specs: Sequence[TopicSpec], *, apply: bool = False
) -> list[str]:
    """How topics differ from their specs (missing ones included); with ``apply``,
    creates the missing ones, raises partition counts and sets the configs (replication is
    not changed: that takes a reassignment, an operator's decision)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        specs = await _on_cluster(admin, specs)
        existing = set(await admin.list_topics())
        absent = [s for s in specs if s.name not in existing]
        present = [s for s in specs if s.name in existing]
        drift = await _differences(admin, present)
        if apply and present:
            await _apply(admin, present)
    finally:
        await admin.close()
    if apply and absent:
        await ensure_topics(bootstrap_servers, absent)
    return [f"{s.name}: missing" for s in absent] + drift


async def _differences(admin: AIOKafkaAdminClient, specs: Sequence[TopicSpec]) -> list[str]:
    if not specs:
        return []
    layouts = await _layouts(admin, specs)
    configs = await _described_configs(admin, [s.name for s in specs])
    drift: list[str] = []
    for spec in specs:
        partitions = layouts.get(spec.name, {}).get("partitions", [])
        if len(partitions) != spec.partitions:
            drift.append(f"{spec.name}: partitions {len(partitions)}, spec {spec.partitions}")
        replicas = _replicas(layouts.get(spec.name, {}))
        if replicas != spec.replicated.factor:
            drift.append(
                f"{spec.name}: replication factor {replicas}, spec {spec.replicated.factor}"
            )
        actual = configs.get(spec.name, {})
        for key, wanted in spec.configs().items():
            if actual.get(key) != wanted:
                drift.append(f"{spec.name}: {key} {actual.get(key)}, spec {wanted}")
    return drift


async def until_described(
    admin: AIOKafkaAdminClient, names: Sequence[str], *, within_s: float = 10.0, poll_s: float = 0.5
) -> bool:
    """Whether a broker describes every new topic with its partitions within ``within_s``:
    the controller confirms a creation before the brokers replay it, and a client that used
    the topic at once found it missing (seen on the three-broker cluster, and on the single
    broker under load). Only these topics' metadata is asked for, never every topic's."""
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        described = await admin.describe_topics(list(names))
        if len(described) == len(names) and all(
            not found.get("error_code") and found.get("partitions") for found in described
        ):
            return True
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(poll_s)


def _replicas(layout: Mapping[str, Any]) -> int:
    """The topic's replication factor: its partitions' fewest replicas."""
    return min((len(p.get("replicas", [])) for p in layout.get("partitions", [])), default=0)


async def _layouts(
    admin: AIOKafkaAdminClient, specs: Sequence[TopicSpec]
) -> dict[str, dict[str, Any]]:
    described = await admin.describe_topics([s.name for s in specs])
    return {found["topic"]: found for found in described}


async def _described_configs(
    admin: AIOKafkaAdminClient, names: Sequence[str]
) -> dict[str, dict[str, str]]:
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    found: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for resource in _resources(response):
            _, _, kind, name, entries = resource[:5]
            if kind == ConfigResourceType.TOPIC:
                found[name] = {entry[0]: entry[1] for entry in entries}
    return found


def _resources(response: Any) -> list[Any]:
    # DescribeConfigsResponse: (throttle_time_ms, [(error_code, error_message,
    # resource_type, resource_name, [(name, value, ...)])]) in every version.
    return list(response.resources)


async def _apply(admin: AIOKafkaAdminClient, specs: Sequence[TopicSpec]) -> None:
    layouts = await _layouts(admin, specs)
    for _ in range(_DESCRIBE_TRIES):  # a broker may learn of a new topic a moment later
        if all(_replicas(layouts.get(s.name, {})) > 0 for s in specs):
            break
        await asyncio.sleep(0.5)
        layouts = await _layouts(admin, specs)
    grow = {
        s.name: s.partitions
        for s in specs
        if len(layouts.get(s.name, {}).get("partitions", [])) < s.partitions
    }
    if grow:
        await admin.create_partitions({name: NewPartitions(n) for name, n in grow.items()})
    # A topic whose layout the broker asked did not describe yet (just created, its metadata
    # not on that broker) is left for the next run: with its replication unknown, the spec's
    # min.insync.replicas could exceed its copies and refuse every acks=all write (seen once
    # on the three-broker cluster).
    known = [s for s in specs if _replicas(layouts.get(s.name, {})) > 0]
    if known:
        responses = await admin.alter_configs(
            [
                ConfigResource(
                    ConfigResourceType.TOPIC, s.name, configs=_applicable(s, layouts[s.name])
                )
                for s in known
            ]
        )
        _raise_refusals(responses)


def _raise_refusals(responses: Sequence[Any]) -> None:
    """A refused alteration is an error the operator must see, not a quiet success.
    (AlterConfigsResponse: (throttle_time_ms, [(error_code, error_message, resource_type,
    resource_name)]) in every version.)"""
    refused = [
        f"{resource[3]}: error {resource[0]}"
        for response in responses
        for resource in response.resources
        if resource[0]
    ]
    if refused:
        raise RuntimeError("the broker refused topic configs: " + "; ".join(refused))


_DESCRIBE_TRIES = 10


def _applicable(spec: TopicSpec, layout: Mapping[str, Any]) -> dict[str, str]:
    """The spec's configs, but never more copies in sync than the topic has (its replication
    is not changed here): an acks=all write to it would be refused for ever."""
    configs = spec.configs()
    replicas = _replicas(layout)
    if 0 < replicas < spec.replicated.min_insync:
        configs["min.insync.replicas"] = str(replicas)
    return configs


async def topic_partitions(bootstrap_servers: str, topic: str) -> list[TopicPartition]:
    """The topic's partitions, asked of the cluster (an unknown topic has none)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    numbers = sorted(
        part["partition"]
        for found in described
        if found.get("topic") == topic and not found.get("error_code")
        for part in found.get("partitions", [])
    )
    return [TopicPartition(topic, number) for number in numbers]
