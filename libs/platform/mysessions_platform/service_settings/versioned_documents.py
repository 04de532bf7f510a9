"""Versioned documents on MongoDB: the current one per key, and every version kept.

A writer claims version n+1 by inserting it into the history collection, whose unique index
on key + version lets exactly one writer have it; then it moves the current document from
version n to n+1 with a compare-and-set on the version. A writer that dies between the two
steps is completed by the next one, which rolls the current document forward from the
history. So two concurrent writers can never both win a version, and no version is lost.

Only single-document operations and unique indexes: FerretDB v1 has no transactions.
"""

from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime
from typing import Final

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from mysessions_platform.mongo import Document, as_utc

Key = Mapping[str, str]
_VERSION: Final = "version"


class VersionedDocuments:
    def __init__(
        self,
        current: AsyncCollection[Document],
        history: AsyncCollection[Document],
        key_fields: tuple[str, ...],
    ) -> None:
        self._current = current
        self._history = history
        self._key_fields = key_fields

    async def ensure_indexes(self) -> None:
        key = [(field, ASCENDING) for field in self._key_fields]
        await self._current.create_index(key, unique=True, name="key")
        await self._history.create_index([*key, (_VERSION, ASCENDING)], unique=True, name="version")

    async def find(self, key: Key) -> Document | None:
        found = await self._current.find_one(dict(key), projection={"_id": False})
        return _read(found) if found is not None else None

    async def find_all(self, selector: Key) -> list[Document]:
        order = [(field, ASCENDING) for field in self._key_fields]
        cursor = self._current.find(dict(selector), projection={"_id": False}, sort=order)
        return [_read(found) async for found in cursor]

    async def versions(self, key: Key) -> list[Document]:
        cursor = self._history.find(
            dict(key), projection={"_id": False}, sort=[(_VERSION, ASCENDING)]
        )
        return [_read(found) async for found in cursor]

    async def commit(self, document: Document) -> bool:
        """Make ``document`` (whose version is one above the current's) current.

        False when another writer claimed that version first: re-read and decide again."""
        try:
            await self._history.insert_one(dict(document))  # a copy: insert_one adds an _id
        except DuplicateKeyError:
            await self._roll_forward(document)
            return False
        await self._publish(document)
        return True

    async def _roll_forward(self, lost: Document) -> None:
        """Finish the write of whoever holds the version we wanted, in case they died."""
        key = self._key(lost)
        winner = await self._history.find_one(
            {**key, _VERSION: lost[_VERSION]}, projection={"_id": False}
        )
        if winner is not None:
            await self._publish(winner)

    async def _publish(self, document: Document) -> None:
        version = document[_VERSION]
        if version == 1:
            # DuplicateKeyError: already published, by a writer that rolled us forward.
            with suppress(DuplicateKeyError):
                await self._current.insert_one(dict(document))
        else:
            # Matches nothing when the current document is already at this version or later.
            await self._current.replace_one(
                {**self._key(document), _VERSION: version - 1}, dict(document)
            )

    def _key(self, document: Document) -> dict[str, str]:
        return {field: document[field] for field in self._key_fields}


def _read(document: Document) -> Document:
    """BSON dates come back naive unless the client is tz-aware; contracts want UTC."""
    return {
        name: as_utc(value) if isinstance(value, datetime) else value
        for name, value in document.items()
    }
