"""Insert-only stores' one write: an unordered insert in which a document whose ``_id`` (or
unique key) is stored already is skipped, the first version staying. A duplicate-key error
is that skip; any other write error, or a write concern error, is raised."""

from collections.abc import Sequence
from typing import Final

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from mysessions_platform.mongo import Document

__all__ = ["DUPLICATE_KEY", "insert_new"]

DUPLICATE_KEY: Final = 11000


async def insert_new(collection: AsyncCollection[Document], docs: Sequence[Document]) -> set[int]:
    """Inserts ``docs`` in one command; returns the positions (in ``docs``) of those skipped
    because their key was stored already."""
    if not docs:
        return set()
    try:
        await collection.insert_many(docs, ordered=False)
    except BulkWriteError as error:
        errors = error.details.get("writeErrors", [])
        if error.details.get("writeConcernErrors") or any(
            e.get("code") != DUPLICATE_KEY for e in errors
        ):
            raise
        return {e["index"] for e in errors}
    return set()
