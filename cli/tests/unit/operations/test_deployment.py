"""The groups and topics the operator commands check are the ones the workers would use."""

import pytest
from contracts import topics
from mysessions.operations.deployment import deployment
from mysessions_platform.kafka.topics import TOPIC_POLICIES

pytestmark = pytest.mark.unit


def test_by_default_the_five_worker_groups_and_every_topic_of_the_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("INGEST_GROUP_ID", "QUEUE_PARTITIONS", "GATEWAY_EMAIL_TOPIC"):
        monkeypatch.delenv(name, raising=False)
    found = deployment()
    assert [(g.worker, g.group_id) for g in found.groups] == [
        ("ingest", "ingest"),
        ("queue", "queue"),
        ("context", "context"),
        ("reporting", "reporting"),
        ("webhooks", "webhooks"),
    ]
    assert sorted(spec.name for spec in found.topics) == sorted(topics.ALL_TOPICS)
    assert found.dead_letter_topics == (topics.DEAD_LETTERS,)


def test_the_workers_settings_name_groups_and_topics_and_the_larger_partition_count_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INGEST_GROUP_ID", "ingest-blue")
    monkeypatch.setenv("INGEST_SOURCE_TOPIC", "raw-blue")
    monkeypatch.setenv("QUEUE_PARTITIONS", "6")
    monkeypatch.setenv("QUEUE_DEAD_LETTER_TOPIC", "dlq-queue")
    monkeypatch.setenv("GATEWAY_EMAIL_TOPIC", "replies-blue")
    found = deployment()
    assert found.groups[0].group_id == "ingest-blue"
    assert found.groups[0].inputs == ("raw-blue",)
    specs = {spec.name: spec for spec in found.topics}
    assert topics.TELEPHONY_EVENTS not in specs
    raw = TOPIC_POLICIES[topics.TELEPHONY_EVENTS]
    assert (specs["raw-blue"].retention_ms, specs["raw-blue"].partitions) == (raw.retention_ms, 3)
    assert specs[topics.SESSION_EVENTS].partitions == 6
    assert "replies-blue" in specs
    assert found.dead_letter_topics == (topics.DEAD_LETTERS, "dlq-queue")
