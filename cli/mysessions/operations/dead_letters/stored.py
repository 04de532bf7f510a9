"""A record of the dead-letter topic, as read: where it sits and the letter it carries."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts import DeadLetter
from contracts.codec import DEAD_LETTER_ADAPTER
from pydantic import ValidationError

__all__ = ["StoredLetter", "letter_id", "parse_letter_id", "stored_letter"]


@dataclass(frozen=True)
class StoredLetter:
    topic: str
    """The dead-letter topic."""
    partition: int
    offset: int
    written_at: datetime
    """The record's timestamp: when the worker published the letter."""
    digest: str
    """SHA-256 of the record's value: tells this letter from another one at the same
    offset of a dead-letter topic deleted and created again."""
    letter: DeadLetter | None
    """None when the record is no dead letter (written by something else, or damaged)."""

    @property
    def id(self) -> str:
        return letter_id(self.partition, self.offset)


def letter_id(partition: int, offset: int) -> str:
    """What the operator types: ``<partition>:<offset>`` on the dead-letter topic."""
    return f"{partition}:{offset}"


def parse_letter_id(text: str) -> tuple[int, int]:
    """``"0:42"`` -> ``(0, 42)``; raises ValueError naming the expected form."""
    partition, sep, offset = text.strip().partition(":")
    if not sep or not partition.isdigit() or not offset.isdigit():
        raise ValueError(f"a letter id is <partition>:<offset>, such as 0:42; got {text!r}")
    return int(partition), int(offset)


def stored_letter(
    topic: str, partition: int, offset: int, timestamp_ms: int, value: bytes | None
) -> StoredLetter:
    raw = value or b""
    try:
        letter: DeadLetter | None = DEAD_LETTER_ADAPTER.validate_json(raw)
    except ValidationError:
        letter = None
    return StoredLetter(
        topic=topic,
        partition=partition,
        offset=offset,
        written_at=datetime.fromtimestamp(timestamp_ms / 1000, UTC),
        digest=hashlib.sha256(raw).hexdigest(),
        letter=letter,
    )
