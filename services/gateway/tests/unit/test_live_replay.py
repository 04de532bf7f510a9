"""Where a live stream resumes, and when it sends a refresh instead (pure rules)."""

import pytest
from gateway_service.live.ids import StreamId, parse_id, requested_id
from gateway_service.live.replay import (
    MALFORMED,
    OLDER_LIST,
    TOO_OLD,
    UNKNOWN,
    Bounds,
    Refresh,
    judge,
    start_position,
)

pytestmark = pytest.mark.unit

FIRST, CUT, X, LAST = StreamId(100, 0), StreamId(150, 2), StreamId(160, 0), StreamId(200, 1)
KEPT = Bounds(first=FIRST, last=LAST, cut=None)
TRIMMED = Bounds(first=FIRST, last=LAST, cut=CUT)
ABSENT = Bounds(None, None, None)


@pytest.mark.parametrize(
    ("after", "bounds", "reason"),
    [
        (X, KEPT, None),
        (FIRST, KEPT, None),  # the first entry itself was seen: what follows is all there
        (LAST, KEPT, None),
        (StreamId(99, 9), KEPT, TOO_OLD),  # before this stream was born (expiry, rebuild)
        (StreamId(200, 2), KEPT, UNKNOWN),  # from the future
        (X, TRIMMED, None),
        (CUT, TRIMMED, None),  # the newest trimmed entry was seen: nothing after it is gone
        (StreamId(150, 1), TRIMMED, TOO_OLD),
        (X, ABSENT, UNKNOWN),  # the stream expired
        (None, ABSENT, None),  # looked at an absent stream, still absent
        (None, KEPT, None),  # born since, nothing trimmed: all of it is new
        (None, TRIMMED, TOO_OLD),
    ],
)
def test_judge(after: StreamId | None, bounds: Bounds, reason: str | None) -> None:
    assert judge(after, bounds) == reason


def test_without_an_id_the_stream_starts_at_the_tip_read_at_connect() -> None:
    assert start_position(None, KEPT) == LAST
    assert start_position(None, ABSENT) is None


@pytest.mark.parametrize(
    ("requested", "bounds", "expected"),
    [
        ("160-0", TRIMMED, X),
        ("150-1", TRIMMED, Refresh(TOO_OLD, LAST)),
        ("0-0", ABSENT, None),
        ("0-0", KEPT, Refresh(OLDER_LIST, LAST)),
        ("not-an-id", KEPT, Refresh(MALFORMED, LAST)),
        ("1-2-3", ABSENT, Refresh(MALFORMED, None)),
        ("300-0", KEPT, Refresh(UNKNOWN, LAST)),
        ("300-0", ABSENT, Refresh(UNKNOWN, None)),
    ],
)
def test_start_position(
    requested: str, bounds: Bounds, expected: StreamId | Refresh | None
) -> None:
    assert start_position(requested, bounds) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1700000000000-0", StreamId(1700000000000, 0)),
        ("0-0", StreamId(0, 0)),
        ("18446744073709551615-18446744073709551615", StreamId(2**64 - 1, 2**64 - 1)),
        ("18446744073709551616-0", None),
        ("1700000000000", None),
        ("-1-0", None),
        (" 1-0", None),
        ("1-0\n", None),
        ("\uff11-0", None),  # a full-width one: Python's \d (and int) would take it
        ("1" * 30 + "-0", None),
    ],
)
def test_parse_id(text: str, expected: StreamId | None) -> None:
    assert parse_id(text) == expected


def test_ids_order_numerically_not_as_text() -> None:
    assert StreamId(9, 0) < StreamId(10, 0)
    assert StreamId(10, 9) < StreamId(10, 10)
    assert str(StreamId(10, 9)) == "10-9"


def test_the_header_wins_and_empty_means_none() -> None:
    assert requested_id("5-0", "6-0") == "5-0"
    assert requested_id(None, "6-0") == "6-0"
    assert requested_id("", "6-0") == "6-0"
    assert requested_id(" ", None) is None
    assert requested_id(None, None) is None
