"""Which letters ``dlq list`` and ``dlq redrive`` select, and how instants are read."""

from datetime import UTC, datetime, timedelta

import pytest
from mysessions.operations.dead_letters.selection import LetterFilter, parse_instant
from mysessions.operations.dead_letters.stored import StoredLetter, parse_letter_id

from .letters import AT, stored

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", NOW - timedelta(minutes=30)),
        ("2h", NOW - timedelta(hours=2)),
        ("7d", NOW - timedelta(days=7)),
        ("45s", NOW - timedelta(seconds=45)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T08:30:00+01:00", datetime(2026, 11, 1, 7, 30, tzinfo=UTC)),
    ],
)
def test_an_instant_is_a_time_ago_or_iso_8601_read_as_utc(text: str, expected: datetime) -> None:
    assert parse_instant(text, NOW) == expected


def test_an_unreadable_instant_says_which_forms_are_understood() -> None:
    with pytest.raises(ValueError, match="30m, 2h, 7d"):
        parse_instant("yesterday", NOW)


def test_a_letter_id_is_partition_colon_offset() -> None:
    assert parse_letter_id("2:41") == (2, 41)
    for wrong in ("2", "a:1", "1:-1", ""):
        with pytest.raises(ValueError, match="<partition>:<offset>"):
            parse_letter_id(wrong)


def test_no_criterion_selects_every_letter_but_never_a_record_that_is_none() -> None:
    letter = stored()
    not_a_letter = StoredLetter("deadletter.v1", 0, 1, AT, "00", None)
    assert LetterFilter().matches(letter)
    assert not LetterFilter().matches(not_a_letter)


def test_each_criterion_narrows_the_selection() -> None:
    letter = stored(3, 9, source="raw", group="ingest", kind="failed", failed_at=AT)
    assert LetterFilter(source_topics={"raw"}).matches(letter)
    assert not LetterFilter(source_topics={"other"}).matches(letter)
    assert LetterFilter(groups={"ingest", "queue"}).matches(letter)
    assert not LetterFilter(groups={"queue"}).matches(letter)
    assert LetterFilter(kind="failed").matches(letter)
    assert not LetterFilter(kind="invalid").matches(letter)
    assert LetterFilter(ids={(3, 9)}).matches(letter)
    assert not LetterFilter(ids={(3, 8)}).matches(letter)


def test_since_is_inclusive_and_until_exclusive_on_the_last_failure() -> None:
    letter = stored(failed_at=AT)
    assert LetterFilter(since=AT).matches(letter)
    assert not LetterFilter(since=AT + timedelta(milliseconds=1)).matches(letter)
    assert not LetterFilter(until=AT).matches(letter)
    assert LetterFilter(until=AT + timedelta(milliseconds=1)).matches(letter)
    assert not LetterFilter(source_topics={"raw"}, since=AT).matches(stored(source="other"))
