"""The record half of a once-only publish (see ``outbox``): a MongoDB collection of one
record per task (``tenant_id``, ``user_session_id``), insert-only, the first insert winning.

A unique index makes the first insert win atomically (FerretDB has unique indexes, no
transactions); any later or concurrent insert fails with a duplicate key and the winner is
read back. A record changes afterwards only by its outbox marks: ``published_at`` (null
until Kafka confirmed the message), which can also drop fields only the publish needed, and
any marks of the collection's own (false until their step is done).

From the insert until every mark is set, a record also holds an *in-flight flag* (``true``),
which the outbox reads: an equality on an indexed top-level field, so the local FerretDB v1
reads only the records in flight, never every record ever written (it pushes no range,
``$or``, sort or equality to null down to its storage). After-call work's saves
(``acw.store``) and the gateway's e-mail replies (``gateway_service.email.replies``) are
both such a collection.
"""

from collections.abc import Sequence
from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from mysessions_platform.mongo import Document, as_utc
from mysessions_platform.one_time import once

__all__ = ["OutboxRecords"]


class OutboxRecords:
    """Subclasses (a collection each) set their own marks through ``_records``."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        *,
        unique_index: str,
        written_at: str,
        in_flight_flag: str,
        own_marks: Sequence[str] = (),
        dropped_when_published: Sequence[str] = (),
    ) -> None:
        """``unique_index``: the name of the one-record-per-task index; ``written_at``: the
        field holding when the record was written (the outbox's order); ``in_flight_flag``:
        the flag's field; ``own_marks``: boolean fields, false until the collection's own
        step is done (a record is finished once published and none of them is false);
        ``dropped_when_published``: fields removed once Kafka confirmed the message."""
        self._records = collection
        self._unique_index = unique_index
        self._written_at = written_at
        self._flag = in_flight_flag
        self._own_marks = tuple(own_marks)
        self._dropped = tuple(dropped_when_published)

    async def ensure_indexes(self) -> None:
        await self._records.create_index(
            [("tenant_id", ASCENDING), ("user_session_id", ASCENDING)],
            unique=True,
            name=self._unique_index,
        )
        await self._records.create_index(
            [(self._flag, ASCENDING), (self._written_at, ASCENDING)], name=f"outbox_{self._flag}"
        )
        await once(
            self._records.database, f"{self._records.name}.{self._flag}", self._flag_left_over
        )

    async def _flag_left_over(self) -> None:
        """Records an older version (without the flag) left in flight get the flag."""
        left: list[Document] = [{"published_at": None}]
        left += [{mark: False} for mark in self._own_marks]
        await self._records.update_many(
            left[0] if len(left) == 1 else {"$or": left}, {"$set": {self._flag: True}}
        )

    async def insert_first(self, document: Document) -> Document | None:
        """Inserts ``document`` if its task has no record yet; returns None when it won,
        else the record that won (read after the refused insert)."""
        try:
            await self._records.insert_one({**document, self._flag: True})
        except DuplicateKeyError:
            winner = await self.find(document["tenant_id"], document["user_session_id"])
            if winner is None:  # cannot happen: records are never deleted
                raise
            return winner
        return None

    async def find(self, tenant_id: str, user_session_id: str) -> Document | None:
        return await self._records.find_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id},
            {"_id": 0, self._flag: 0},
        )

    async def mark_published(self, tenant_id: str, user_session_id: str, at: datetime) -> None:
        """Sets ``published_at`` once; without marks of its own the record is finished, so
        its flag goes in the same update (else the outbox's next round removes it)."""
        dropped = [*self._dropped, *(() if self._own_marks else (self._flag,))]
        update: Document = {"$set": {"published_at": at}}
        if dropped:
            update["$unset"] = dict.fromkeys(dropped, "")
        await self._records.update_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id, "published_at": None},
            update,
        )

    async def in_flight(self, written_before: datetime, limit: int) -> list[Document]:
        """Records not finished, written before ``written_before``, oldest first, among the
        ``limit`` oldest flagged; those of them found finished lose their flag."""
        cursor = (
            self._records.find({self._flag: True}, {"_id": 0, self._flag: 0})
            .sort(self._written_at, ASCENDING)
            .limit(limit)
        )
        flagged = [record async for record in cursor]
        for record in filter(self._finished, flagged):
            await self._records.update_one(
                {"tenant_id": record["tenant_id"], "user_session_id": record["user_session_id"]},
                {"$unset": {self._flag: ""}},
            )
        return [
            record
            for record in flagged
            if not self._finished(record) and as_utc(record[self._written_at]) < written_before
        ]

    def _finished(self, record: Document) -> bool:
        """Published, and no mark of its own false (a record older than a mark lacks it)."""
        return record.get("published_at") is not None and all(
            record.get(mark) is not False for mark in self._own_marks
        )
