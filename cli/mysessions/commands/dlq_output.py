"""How ``mysessions dlq`` prints letters, plans and outcomes: tables, lines and JSON."""

import base64
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text

from mysessions.operations.dead_letters.redrive import (
    Redriven,
    RedriveOutcome,
    RedrivePlan,
    record_key,
)
from mysessions.operations.dead_letters.stored import StoredLetter

__all__ = [
    "letter_details",
    "letter_json",
    "letters_table",
    "outcome_lines",
    "plan_lines",
]

REASON_CHARS = 80


def _when(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%d %H:%M:%S")


def _redriven_text(done: Redriven | None) -> str:
    if done is None:
        return ""
    if done.state == "sent":
        return f"sent {_when(done.claimed_at)}"
    return f"claimed {_when(done.claimed_at)}, not confirmed"


def letters_table(
    letters: Sequence[StoredLetter], redriven: Mapping[str, Redriven], limit: int
) -> Table:
    table = Table("id", "failed at (UTC)", "source", "group", "kind", "tries", "reason", "redriven")
    for stored in letters[:limit]:
        letter = stored.letter
        assert letter is not None
        reason = (
            letter.error if len(letter.error) <= REASON_CHARS else letter.error[:REASON_CHARS] + "…"
        )
        table.add_row(
            stored.id,
            _when(letter.last_failure_at),
            f"{letter.source_topic} {letter.partition}/{letter.offset}",
            letter.consumer_group,
            letter.error_kind,
            str(letter.attempts),
            Text(reason),
            _redriven_text(redriven.get(record_key(stored))),
        )
    return table


def letter_json(
    stored: StoredLetter, done: Redriven | None, *, original: bool = False
) -> dict[str, Any]:
    letter = stored.letter
    assert letter is not None
    shown: dict[str, Any] = {
        "id": stored.id,
        "dead_letter_topic": stored.topic,
        "partition": stored.partition,
        "offset": stored.offset,
        "written_at": stored.written_at.isoformat(),
        "source_topic": letter.source_topic,
        "source_partition": letter.partition,
        "source_offset": letter.offset,
        "consumer_group": letter.consumer_group,
        "kind": letter.error_kind,
        "reason": letter.error,
        "attempts": letter.attempts,
        "first_failure_at": letter.first_failure_at.isoformat(),
        "last_failure_at": letter.last_failure_at.isoformat(),
        "original_length": letter.original_length,
        "original_sha256": letter.original_sha256,
        "original_truncated": letter.original_truncated,
        "key_truncated": letter.key_truncated,
        "redriven": None
        if done is None
        else {
            "state": done.state,
            "claimed_at": done.claimed_at.isoformat(),
            "by": done.by,
            "to": None
            if done.destination is None
            else {
                "topic": done.destination.topic,
                "partition": done.destination.partition,
                "offset": done.destination.offset,
            },
        },
    }
    if original:
        shown["key"] = base64.b64encode(letter.key).decode() if letter.key is not None else None
        shown["original"] = base64.b64encode(letter.original).decode()
    return shown


def letter_details(stored: StoredLetter, done: Redriven | None) -> Table:
    """One letter, field by field, its original as text (control characters dropped)."""
    letter = stored.letter
    assert letter is not None
    table = Table(show_header=False, box=None)
    rows = [
        ("letter", f"{stored.topic} {stored.id}, written {_when(stored.written_at)} UTC"),
        ("source", f"{letter.source_topic} partition {letter.partition} offset {letter.offset}"),
        ("group", letter.consumer_group),
        ("kind", letter.error_kind),
        ("reason", letter.error),
        (
            "attempts",
            f"{letter.attempts}, from {_when(letter.first_failure_at)}"
            f" to {_when(letter.last_failure_at)} UTC",
        ),
        (
            "key",
            _as_text(letter.key) + (" (cut)" if letter.key_truncated else "")
            if letter.key is not None
            else "none",
        ),
        (
            "original",
            f"{letter.original_length} bytes, SHA-256 {letter.original_sha256}"
            + (
                f" (only the first {len(letter.original)} kept)"
                if letter.original_truncated
                else ""
            ),
        ),
        ("redriven", _redriven_text(done) or "no"),
    ]
    for name, value in rows:
        table.add_row(name, Text(value))
    table.add_row("", "")
    table.add_row("content", Text(_as_text(letter.original)))
    return table


def _as_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def plan_lines(plan: RedrivePlan, *, dry_run: bool) -> list[str]:
    verb = "would redrive" if dry_run else "to redrive"
    lines = [f"{verb} {len(plan.send)} letter(s){_by_topic(plan.send)}"]
    if plan.already:
        lines.append(f"already redriven (not again): {len(plan.already)}")
    reasons = Counter(why for _, why in plan.refused)
    for why, count in sorted(reasons.items()):
        lines.append(f"cannot be redriven: {count}: {why}")
    return lines


def outcome_lines(outcome: RedriveOutcome) -> list[str]:
    lines = [f"redriven {len(outcome.sent)} letter(s){_by_topic([s for s, _ in outcome.sent])}"]
    if outcome.taken:
        lines.append(
            f"claimed by another run meanwhile (not sent by this one): {len(outcome.taken)}"
        )
    if outcome.unconfirmed:
        ids = ", ".join(s.id for s in outcome.unconfirmed[:20])
        lines.append(
            f"claimed, but Kafka did not confirm the send: {len(outcome.unconfirmed)} ({ids});"
            " they stay claimed and are never sent again: look for them on their source topic"
        )
    if outcome.not_tried:
        lines.append(
            f"not tried after the failure: {len(outcome.not_tried)}; run again to send them"
        )
    if outcome.error:
        lines.append(f"stopped: {outcome.error}")
    return lines


def _by_topic(letters: Sequence[StoredLetter]) -> str:
    topics = Counter(s.letter.source_topic for s in letters if s.letter is not None)
    if not topics:
        return ""
    return " to " + ", ".join(f"{topic} ({n})" for topic, n in sorted(topics.items()))
