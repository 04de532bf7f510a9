"""Redrive: send dead letters back to the topic they came from, each at most once.

A letter is *claimed* in a record that survives restarts (``RedriveRecords``, MongoDB in
production) before it is sent, and *confirmed* once Kafka has it. The claim is an insert
under the letter's own key, which only one writer can win: a second run, or a second
operator at the same moment, finds the claim and sends nothing. A letter claimed whose
send Kafka did not confirm (the command died, Kafka failed mid-send) stays claimed and is
reported: it is never sent again, which is what "at most once" costs.

Sent as read: the original bytes and the original key, so the letter lands on the
partition its session's other records are on; in its source order per topic and
partition. A header names the letter it came from. Every consumer group of the source
topic reads it again, not only the one that gave up; the workers' effects are idempotent.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Literal, Protocol

from mysessions_platform.failures import describe

from mysessions.operations.dead_letters.stored import StoredLetter

__all__ = [
    "REDRIVEN_FROM_HEADER",
    "Claim",
    "Destination",
    "Outgoing",
    "RedriveOutcome",
    "RedrivePlan",
    "RedriveRecords",
    "Redriven",
    "Sender",
    "plan_redrive",
    "record_key",
    "redrive",
]

REDRIVEN_FROM_HEADER: Final = "mysessions-redriven-from"
CHUNK: Final = 100
"""Letters claimed, then sent together (Kafka batches them), at a time."""


@dataclass(frozen=True)
class Destination:
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class Redriven:
    """What the record says of a letter already redriven (or being redriven)."""

    key: str
    state: Literal["claimed", "sent"]
    """``claimed``: sending was not confirmed; it will not be sent again."""
    claimed_at: datetime
    by: str
    destination: Destination | None


@dataclass(frozen=True)
class Claim:
    key: str
    stored: StoredLetter
    at: datetime
    by: str


@dataclass(frozen=True)
class Outgoing:
    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


class RedriveRecords(Protocol):
    async def find(self, keys: Sequence[str]) -> dict[str, Redriven]: ...

    async def claim(self, claim: Claim) -> bool:
        """True when this claim won; False when the letter was claimed before."""
        ...

    async def confirm(self, key: str, destination: Destination, at: datetime) -> None: ...


class Sender(Protocol):
    async def existing_topics(self, names: Collection[str]) -> set[str]: ...

    async def send_all(self, messages: Sequence[Outgoing]) -> list[Destination | Exception]:
        """Each message's place once Kafka confirmed it, or why it was not confirmed; sent in
        the order given."""
        ...


def record_key(stored: StoredLetter) -> str:
    """The letter's key in the record: where it sits on the dead-letter topic, and its
    digest (a topic deleted and created again reuses offsets)."""
    return f"{stored.topic}:{stored.partition}:{stored.offset}:{stored.digest[:16]}"


@dataclass
class RedrivePlan:
    send: list[StoredLetter] = field(default_factory=list)
    """In the order they will be sent: per source topic and partition, by source offset."""
    already: list[tuple[StoredLetter, Redriven]] = field(default_factory=list)
    refused: list[tuple[StoredLetter, str]] = field(default_factory=list)
    """Letters that cannot be sent as they were read, and why."""


def plan_redrive(
    letters: Sequence[StoredLetter],
    redriven: Mapping[str, Redriven],
    existing_topics: Collection[str],
) -> RedrivePlan:
    plan = RedrivePlan()
    for stored in letters:
        letter = stored.letter
        if letter is None:
            continue
        done = redriven.get(record_key(stored))
        if done is not None:
            plan.already.append((stored, done))
        elif letter.original_truncated:
            plan.refused.append(
                (
                    stored,
                    f"only the first {len(letter.original)} of {letter.original_length}"
                    " bytes were kept",
                )
            )
        elif letter.key_truncated:
            plan.refused.append((stored, "its key was cut: it would land on another partition"))
        elif letter.source_topic not in existing_topics:
            plan.refused.append((stored, f"topic {letter.source_topic} does not exist"))
        else:
            plan.send.append(stored)
    plan.send.sort(key=_source_order)
    return plan


def _source_order(stored: StoredLetter) -> tuple[str, int, int]:
    assert stored.letter is not None
    return (stored.letter.source_topic, stored.letter.partition, stored.letter.offset)


@dataclass
class RedriveOutcome:
    plan: RedrivePlan
    sent: list[tuple[StoredLetter, Destination]] = field(default_factory=list)
    taken: list[StoredLetter] = field(default_factory=list)
    """Claimed by another run between planning and sending: not sent by this one."""
    unconfirmed: list[StoredLetter] = field(default_factory=list)
    """Claimed, and Kafka did not confirm the send: never sent again (check the topic)."""
    not_tried: list[StoredLetter] = field(default_factory=list)
    """Left alone after a failure: neither claimed nor sent; a next run sends them."""
    error: str | None = None


def _outgoing(stored: StoredLetter) -> Outgoing:
    letter = stored.letter
    assert letter is not None
    origin = f"{stored.topic}:{stored.partition}:{stored.offset}".encode()
    return Outgoing(
        letter.source_topic, letter.key, letter.original, ((REDRIVEN_FROM_HEADER, origin),)
    )


async def redrive(
    plan: RedrivePlan,
    records: RedriveRecords,
    sender: Sender,
    *,
    clock: Callable[[], datetime],
    by: str,
    progress: Callable[[int], None] = lambda done: None,
    chunk: int = CHUNK,
) -> RedriveOutcome:
    """Claims, sends and confirms ``plan.send``, ``chunk`` letters at a time; stops at the
    first failure (a later run takes up what was not tried)."""
    outcome = RedriveOutcome(plan)
    queue = list(plan.send)
    while queue:
        batch, queue = queue[:chunk], queue[chunk:]
        claimed, failure = await _claim(batch, records, clock, by, outcome)
        results = await sender.send_all([_outgoing(s) for s in claimed]) if claimed else []
        for stored, result in zip(claimed, results, strict=True):
            if isinstance(result, Exception):
                outcome.unconfirmed.append(stored)
                failure = failure or result
            else:
                outcome.sent.append((stored, result))
        unrecorded = await _confirm(claimed, results, records, clock)
        failure = failure or unrecorded
        progress(len(plan.send) - len(queue))
        if failure is not None:
            outcome.error = describe(failure)
            outcome.not_tried = [s for s in batch if s not in claimed and s not in outcome.taken]
            outcome.not_tried += queue
            break
    return outcome


async def _claim(
    batch: list[StoredLetter],
    records: RedriveRecords,
    clock: Callable[[], datetime],
    by: str,
    outcome: RedriveOutcome,
) -> tuple[list[StoredLetter], Exception | None]:
    """The letters of ``batch`` this run won, in order, up to the first failure."""
    claimed: list[StoredLetter] = []
    for stored in batch:
        try:
            won = await records.claim(Claim(record_key(stored), stored, clock(), by))
        except Exception as error:
            return claimed, error
        (claimed if won else outcome.taken).append(stored)
    return claimed, None


async def _confirm(
    claimed: list[StoredLetter],
    results: list[Destination | Exception],
    records: RedriveRecords,
    clock: Callable[[], datetime],
) -> Exception | None:
    """Marks the sent letters sent; a letter whose mark fails stays claimed (so still never
    sent again) and was sent all the same."""
    for stored, result in zip(claimed, results, strict=True):
        if not isinstance(result, Exception):
            try:
                await records.confirm(record_key(stored), result, clock())
            except Exception as error:
                return error
    return None
