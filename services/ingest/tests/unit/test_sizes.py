"""Ingest refuses oversize records before parsing and normalized events above their limit."""

from datetime import UTC, datetime
from uuid import uuid4

import contracts as c
import pytest
from contracts.limits import MAX_EVENT_BYTES
from ingest_service import validation

pytestmark = pytest.mark.unit


def started() -> c.SessionStarted:
    return c.SessionStarted(
        event_id=uuid4(),
        occurred_at=datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
        tenant_id="tenant-a",
        session_id="s-1",
        direction="inbound",
        modality="voice",
        service_id="svc-1",
        service_name="Support",
        caller=c.Party(address="+15550001111", address_kind="pstn"),
    )


def padded(event: c.SessionStarted, size: int) -> bytes:
    """The event's JSON with insignificant whitespace up to exactly ``size`` bytes."""
    raw = c.encode(event)
    return raw[:-1] + b" " * (size - len(raw)) + b"}"


def test_a_record_above_the_limit_is_refused_before_parsing_with_its_size() -> None:
    raw = padded(started(), MAX_EVENT_BYTES + 1)
    assert c.decode_session_event(raw).session_id == "s-1", "a valid event but for its size"
    reason = validation.accept(raw)
    assert reason == (
        f"<message>: {MAX_EVENT_BYTES + 1} bytes, above the {MAX_EVENT_BYTES}-byte event limit"
    )


def test_a_record_exactly_at_the_limit_is_parsed() -> None:
    event = started()
    accepted = validation.accept(padded(event, MAX_EVENT_BYTES))
    assert not isinstance(accepted, str)
    assert accepted == (event, c.encode(event))


def test_an_event_too_big_once_normalized_is_refused_naming_sizes_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    value = c.encode(started())
    monkeypatch.setattr(validation, "MAX_NORMALIZED_EVENT_BYTES", len(value) - 1)
    reason = validation.accept(value)
    assert isinstance(reason, str)
    assert f"{len(value)} bytes once normalized" in reason
    assert "15550001111" not in reason
