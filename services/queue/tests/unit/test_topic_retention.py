"""The topics the queue reads from and rebuilds from keep at least what the queue keeps."""

from datetime import timedelta

import pytest
from contracts import topics
from mysessions_platform.kafka.topics import TopicSettings
from queue_service.settings import QueueSettings

pytestmark = pytest.mark.unit


def retention(role: str) -> timedelta:
    return timedelta(milliseconds=TopicSettings.from_env({}).spec(role, 1).retention_ms)


def test_session_events_are_kept_as_long_as_the_queue_keeps_session_facts() -> None:
    assert retention(topics.SESSION_EVENTS) >= QueueSettings().session_facts_ttl


def test_the_task_changelog_outlives_the_history_window() -> None:
    assert retention(topics.TASK_CHANGELOG) > QueueSettings().history_window
