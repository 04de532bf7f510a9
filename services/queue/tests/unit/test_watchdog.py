"""The watchdog's rule for a quiet session, and its deterministic expiry ids."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from queue_service.domain import (
    IDLE_AFTER,
    IDLE_AFTER_MEDIA,
    IdleLimits,
    expiry_event_id,
    expiry_times,
    is_idle,
    limit_class,
)

pytestmark = pytest.mark.unit

LAST = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def test_idle_after_four_hours_by_default() -> None:
    assert timedelta(hours=4) == IDLE_AFTER
    assert not is_idle(LAST, LAST + timedelta(hours=4) - timedelta(milliseconds=1))
    assert is_idle(LAST, LAST + timedelta(hours=4))


def test_idle_threshold_is_configurable() -> None:
    assert is_idle(LAST, LAST + timedelta(minutes=5), idle_after=timedelta(minutes=5))
    assert not is_idle(LAST, LAST, idle_after=timedelta(minutes=5))


def test_expiry_id_is_a_stable_uuid() -> None:
    first = expiry_event_id("tenant-1", "session-1", "9f1c1a56-6d1e-4a51-9a43-3c1b0a7e2b10")

    assert first == expiry_event_id("tenant-1", "session-1", "9f1c1a56-6d1e-4a51-9a43-3c1b0a7e2b10")
    assert uuid.UUID(first).version == 5
    # Pinned: ids already written to the log must keep matching after any release.
    assert first == "55256fdd-1f3a-50b0-ac42-ea4dc82c5d1d"


@pytest.mark.parametrize(
    "other",
    [
        ("tenant-2", "session-1", "e-1"),
        ("tenant-1", "session-2", "e-1"),
        ("tenant-1", "session-1", "e-2"),
        ("tenant-1session-1", "", "e-1"),
    ],
)
def test_expiry_id_differs_for_another_tenant_session_or_last_event(
    other: tuple[str, str, str],
) -> None:
    assert expiry_event_id("tenant-1", "session-1", "e-1") != expiry_event_id(*other)


def test_email_and_chat_sessions_get_the_longer_media_limit() -> None:
    assert limit_class(["voice"]) == "voice"
    assert limit_class([]) == "voice"  # not known yet: the stricter limit
    assert limit_class(["email"]) == "media"
    assert limit_class(["voice", "chat"]) == "media"
    assert IdleLimits().of("voice") == IDLE_AFTER
    assert IdleLimits().of("media") == IDLE_AFTER_MEDIA == timedelta(hours=72)


def test_expiry_times_follow_from_the_last_activity() -> None:
    times = expiry_times(LAST, timedelta(hours=4))
    assert times.idle_since == LAST
    assert times.occurred_at == LAST + timedelta(hours=4)
