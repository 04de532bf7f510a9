"""Topic specs: every topic has explicit settings; the environment adjusts them."""

import pytest
from contracts import limits, topics
from mysessions_platform.kafka.topics import (
    DAY_MS,
    TOPIC_POLICIES,
    Replication,
    TopicSettings,
    retention_variable,
)

pytestmark = pytest.mark.unit


def test_every_topic_has_a_policy() -> None:
    assert set(TOPIC_POLICIES) == set(topics.ALL_TOPICS)


def test_the_defaults_are_the_documented_ones() -> None:
    specs = TopicSettings.from_env({})
    raw = specs.spec(topics.TELEPHONY_EVENTS, 3)
    assert (raw.retention_ms, raw.cleanup_policy) == (3 * DAY_MS, "delete")
    assert raw.max_message_bytes > limits.MAX_RAW_RECORD_BYTES
    assert specs.spec(topics.SESSION_EVENTS, 3).retention_ms == 7 * DAY_MS
    assert specs.spec(topics.DEAD_LETTERS, 3).retention_ms == 14 * DAY_MS
    changelog = specs.spec(topics.TASK_CHANGELOG, 3)
    assert changelog.replication is None, "left to the cluster"
    assert changelog.on_cluster(brokers=1).configs() == {
        "cleanup.policy": "compact,delete",
        "retention.ms": str(31 * DAY_MS),
        "max.message.bytes": str(limits.MIB),
        "min.insync.replicas": "1",
        "segment.ms": str(3600 * 1000),
        "max.compaction.lag.ms": str(3600 * 1000),
        "min.cleanable.dirty.ratio": "0.1",
    }
    assert changelog.partitions == 3


def test_replication_and_retention_come_from_the_environment() -> None:
    env = {
        "KAFKA_REPLICATION_FACTOR": "3",
        "KAFKA_MIN_INSYNC_REPLICAS": "2",
        "TOPIC_TELEPHONY_EVENTS_V1_RETENTION_MS": "3600000",
        "TOPIC_RAW_1_RETENTION_MS": "60000",
    }
    specs = TopicSettings.from_env(env)
    raw = specs.spec(topics.TELEPHONY_EVENTS, 6)
    assert raw.replication == Replication(factor=3, min_insync=2)
    assert raw.on_cluster(brokers=1).replication == raw.replication, "the setting wins"
    assert raw.retention_ms == 3_600_000
    assert specs.spec(topics.TELEPHONY_EVENTS, 1, "raw-1").retention_ms == 60_000, "by name"
    assert specs.spec(topics.SESSION_EVENTS, 6).retention_ms == 7 * DAY_MS, "others untouched"


def test_the_variable_name_is_the_topic_name_upper_cased() -> None:
    assert retention_variable("queue.tasks.changelog.v1") == (
        "TOPIC_QUEUE_TASKS_CHANGELOG_V1_RETENTION_MS"
    )


@pytest.mark.parametrize(
    ("brokers", "factor", "min_insync"), [(0, 1, 1), (1, 1, 1), (2, 2, 1), (3, 3, 2), (5, 3, 2)]
)
def test_left_to_the_cluster_replication_follows_its_brokers(
    brokers: int, factor: int, min_insync: int
) -> None:
    spec = TopicSettings.from_env({}).spec(topics.SESSION_EVENTS, 3)
    decided = spec.on_cluster(brokers)
    assert decided.replication == Replication(factor=factor, min_insync=min_insync)
    assert decided.configs()["min.insync.replicas"] == str(min_insync)


def test_an_undecided_spec_has_no_configs_yet() -> None:
    spec = TopicSettings.from_env({}).spec(topics.SESSION_EVENTS, 3)
    with pytest.raises(ValueError, match="replication not decided"):
        spec.configs()


@pytest.mark.parametrize(("factor", "min_insync"), [("3", 2), ("2", 1), ("1", 1)])
def test_a_factor_alone_brings_its_in_sync_default(factor: str, min_insync: int) -> None:
    settings = TopicSettings.from_env({"KAFKA_REPLICATION_FACTOR": factor})
    assert settings.replication == Replication(factor=int(factor), min_insync=min_insync)


def test_more_in_sync_replicas_than_replicas_is_refused() -> None:
    with pytest.raises(ValueError, match=r"KAFKA_MIN_INSYNC_REPLICAS \(3\) above"):
        TopicSettings.from_env({"KAFKA_REPLICATION_FACTOR": "2", "KAFKA_MIN_INSYNC_REPLICAS": "3"})


def test_in_sync_replicas_without_a_factor_is_refused() -> None:
    with pytest.raises(ValueError, match="KAFKA_MIN_INSYNC_REPLICAS needs"):
        TopicSettings.from_env({"KAFKA_MIN_INSYNC_REPLICAS": "2"})


@pytest.mark.parametrize("bad", ["three", "0", "-5"])
def test_a_bad_value_is_refused_with_the_variable_named(bad: str) -> None:
    with pytest.raises(ValueError, match="KAFKA_REPLICATION_FACTOR"):
        TopicSettings.from_env({"KAFKA_REPLICATION_FACTOR": bad})


def test_superseded_changelog_versions_are_compacted_within_hours() -> None:
    # Live versions of a task carry the caller's details; the ended one does not.
    changelog = TopicSettings.from_env({}).spec(topics.TASK_CHANGELOG, 3)
    assert changelog.compaction is not None
    bound = changelog.compaction.segment_ms + changelog.compaction.max_compaction_lag_ms
    assert bound <= 2 * 3600 * 1000
    raw = TopicSettings.from_env({}).spec(topics.TELEPHONY_EVENTS, 3).on_cluster(brokers=1)
    assert "segment.ms" not in raw.configs(), "delete-only topics keep Kafka's segments"
