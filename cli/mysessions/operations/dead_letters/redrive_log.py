"""The record of redriven letters, on MongoDB: one document per letter, keyed by it.

MongoDB rather than a compacted Kafka topic: a claim must be won by exactly one writer,
and an insert under a unique ``_id`` is that (a second insert fails with a duplicate key),
while a topic has no compare-and-set: two operators reading it at once would both find a
letter unsent and both send it. Looking letters up by ``_id`` is also a read by index,
where a topic would have to be read whole. FerretDB keeps ``_id`` unique as MongoDB does.

Each document says where the letter sat, where it came from and went, who sent it and
when; never the letter's content (it may carry callers' details).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.mongo import Document, as_utc
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from mysessions.operations.dead_letters.redrive import Claim, Destination, Redriven

__all__ = ["REDRIVES", "RedriveLog"]

REDRIVES: Final = "dead_letter_redrives"
_LOOKUP_BATCH: Final = 500


class RedriveLog:
    def __init__(self, database: AsyncDatabase[Document], lookup: IdLookup | None = None) -> None:
        self._database = database
        self._redrives = database[REDRIVES]
        self._lookup = lookup or IdLookup()

    async def find(self, keys: Sequence[str]) -> dict[str, Redriven]:
        # A dry run must write nothing, and the lookup's first use creates the collection.
        if REDRIVES not in await self._database.list_collection_names(filter={"name": REDRIVES}):
            return {}
        found: dict[str, Redriven] = {}
        for at in range(0, len(keys), _LOOKUP_BATCH):
            for doc in await self._lookup.find_by_ids(
                self._redrives, keys[at : at + _LOOKUP_BATCH]
            ):
                found[doc["_id"]] = _redriven(doc)
        return found

    async def claim(self, claim: Claim) -> bool:
        letter = claim.stored.letter
        assert letter is not None
        try:
            await self._redrives.insert_one(
                {
                    "_id": claim.key,
                    "dead_letter_topic": claim.stored.topic,
                    "partition": claim.stored.partition,
                    "offset": claim.stored.offset,
                    "source_topic": letter.source_topic,
                    "source_partition": letter.partition,
                    "source_offset": letter.offset,
                    "consumer_group": letter.consumer_group,
                    "error_kind": letter.error_kind,
                    "state": "claimed",
                    "claimed_at": claim.at,
                    "by": claim.by,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def confirm(self, key: str, destination: Destination, at: datetime) -> None:
        await self._redrives.update_one(
            {"_id": key},
            {
                "$set": {
                    "state": "sent",
                    "sent_at": at,
                    "sent_to": {
                        "topic": destination.topic,
                        "partition": destination.partition,
                        "offset": destination.offset,
                    },
                }
            },
        )


def _redriven(doc: dict[str, Any]) -> Redriven:
    sent_to = doc.get("sent_to")
    return Redriven(
        key=doc["_id"],
        state="sent" if doc.get("state") == "sent" else "claimed",
        claimed_at=as_utc(doc["claimed_at"]),
        by=doc.get("by", ""),
        destination=Destination(sent_to["topic"], sent_to["partition"], sent_to["offset"])
        if sent_to
        else None,
    )
