"""Instants: every time in the queue domain is an aware UTC datetime at millisecond precision.

Upstream events, Kafka timestamps and the BI records all work in milliseconds, so finer
precision would only make a fact differ from its stored copy.
"""

from datetime import UTC, datetime


def utc_millis(value: datetime) -> datetime:
    """The same instant in UTC, truncated to milliseconds; naive times are refused because
    guessing their zone would silently shift every timer."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()}: give an aware instant")
    utc = value.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


def to_iso(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``, the form browsers' ``Date`` parses."""
    return utc_millis(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    """The inverse of :func:`to_iso`; any ISO 8601 instant with an offset is accepted."""
    return utc_millis(datetime.fromisoformat(text))


def seconds_between(start: datetime, end: datetime) -> float:
    """Whole duration in seconds to 3 decimals, never negative: clocks of different upstream
    systems disagree by a few milliseconds, and a negative timer helps nobody."""
    return round(max(0.0, (end - start).total_seconds()), 3)
