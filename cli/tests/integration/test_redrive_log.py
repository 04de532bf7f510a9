"""The record of redriven letters on the MongoDB-wire server: one claim wins per letter,
also when many claim at once, and a confirmed letter says where it went."""

import asyncio
import hashlib
from datetime import UTC, datetime

import pytest
from contracts import DeadLetter, encode
from mysessions.operations.dead_letters.redrive import Claim, Destination, record_key
from mysessions.operations.dead_letters.redrive_log import REDRIVES, RedriveLog
from mysessions.operations.dead_letters.stored import StoredLetter, stored_letter
from mysessions_platform.testing.mongo_databases import MongoDatabases

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


def letter_at(partition: int, offset: int) -> StoredLetter:
    original = b'{"type": "session.started"}'
    letter = DeadLetter(
        source_topic="telephony.events.v1",
        partition=0,
        offset=9,
        key=b"session-1",
        original=original,
        original_length=len(original),
        original_sha256=hashlib.sha256(original).hexdigest(),
        original_truncated=False,
        consumer_group="ingest",
        error_kind="invalid",
        error="session.started.caller: field required",
        first_failure_at=NOW,
        last_failure_at=NOW,
        attempts=1,
    )
    return stored_letter("deadletter.v1", partition, offset, 0, encode(letter))


async def test_one_claim_wins_among_many_at_once_and_the_confirmation_is_kept(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("redrives")
    log = RedriveLog(database)
    letter = letter_at(1, 5)
    key = record_key(letter)
    assert await log.find([key]) == {}
    assert REDRIVES not in await database.list_collection_names()  # looking wrote nothing

    won = await asyncio.gather(
        *(log.claim(Claim(key, letter, NOW, f"operator-{n}@host")) for n in range(8))
    )
    assert sorted(won) == [False] * 7 + [True]
    [claimed] = (await log.find([key])).values()
    assert (claimed.state, claimed.destination) == ("claimed", None)

    await log.confirm(key, Destination("telephony.events.v1", 2, 41), NOW)
    [sent] = (await log.find([key, "absent"])).values()
    assert (sent.state, sent.destination) == ("sent", Destination("telephony.events.v1", 2, 41))
    assert sent.claimed_at == NOW
    assert not await log.claim(Claim(key, letter, NOW, "late@host"))
