"""Dead letters made for the tests, as the dead-letter topic would hold them."""

import hashlib
from datetime import UTC, datetime
from typing import Literal

from contracts import DeadLetter
from mysessions.operations.dead_letters.stored import StoredLetter

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def stored(
    partition: int = 0,
    offset: int = 0,
    *,
    source: str = "telephony.events.v1",
    source_offset: int | None = None,
    group: str = "ingest",
    kind: Literal["invalid", "failed"] = "invalid",
    failed_at: datetime = AT,
    original: bytes = b'{"type": "session.started"}',
    key: bytes | None = b"session-1",
    original_truncated: bool = False,
    key_truncated: bool = False,
    topic: str = "deadletter.v1",
) -> StoredLetter:
    length = len(original) + (10 if original_truncated else 0)
    letter = DeadLetter(
        source_topic=source,
        partition=0,
        offset=offset if source_offset is None else source_offset,
        key=key,
        key_truncated=key_truncated,
        original=original,
        original_length=length,
        original_sha256=hashlib.sha256(original).hexdigest(),
        original_truncated=original_truncated,
        consumer_group=group,
        error_kind=kind,
        error="session.started.caller: field required",
        first_failure_at=failed_at,
        last_failure_at=failed_at,
        attempts=1,
    )
    return StoredLetter(
        topic=topic,
        partition=partition,
        offset=offset,
        written_at=failed_at,
        digest=hashlib.sha256(letter.model_dump_json().encode()).hexdigest(),
        letter=letter,
    )
