"""Which dead letters an operator means: by source topic, consumer group, kind, time, id.

Pure: ``LetterFilter.matches`` decides on a letter already read; ``parse_instant`` reads
the ``--since``/``--until`` forms.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from mysessions.operations.dead_letters.stored import StoredLetter

__all__ = ["LetterFilter", "parse_instant"]

Kind = Literal["invalid", "failed"]

_AGO: Final = re.compile(r"^(\d+)([smhd])$")
_UNITS: Final = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_instant(text: str, now: datetime) -> datetime:
    """``30m``, ``2h``, ``7d`` (that long before ``now``), or an ISO 8601 date or instant
    (a naive one is UTC). Raises ValueError saying which forms are understood."""
    ago = _AGO.match(text.strip())
    if ago:
        return now - timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is no instant: use 30m, 2h, 7d (ago) or ISO 8601 (2026-11-01T08:00Z)"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class LetterFilter:
    """Every criterion given must hold; none given selects every letter."""

    source_topics: Collection[str] = ()
    groups: Collection[str] = ()
    kind: Kind | None = None
    since: datetime | None = None
    """Letters whose last failure was at or after this instant."""
    until: datetime | None = None
    """Letters whose last failure was before this instant."""
    ids: Collection[tuple[int, int]] = field(default_factory=frozenset)
    """``(partition, offset)`` on the dead-letter topic."""

    def matches(self, stored: StoredLetter) -> bool:
        """Records that hold no dead letter never match: nothing can be said of them."""
        letter = stored.letter
        if letter is None:
            return False
        failed_at = letter.last_failure_at
        return (
            (not self.source_topics or letter.source_topic in self.source_topics)
            and (not self.groups or letter.consumer_group in self.groups)
            and (self.kind is None or letter.error_kind == self.kind)
            and (self.since is None or failed_at >= self.since)
            and (self.until is None or failed_at < self.until)
            and (not self.ids or (stored.partition, stored.offset) in self.ids)
        )
