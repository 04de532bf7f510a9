"""Idempotent upsert of one tenant's imported documents, counted by what changed.

The replacements go in commands of at most ``STATEMENTS_PER_COMMAND``: FerretDB v1 keeps
each update statement's read open until its whole command ends and takes another
connection for each write, so a command of about 50 replacements of stored documents takes
every connection of its pool and never answers (nor does anything else on that server).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pymongo import ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection

__all__ = ["BATCH", "STATEMENTS_PER_COMMAND", "UpsertCounts", "upsert_documents"]

BATCH: Final = 500
STATEMENTS_PER_COMMAND: Final = 16


@dataclass(frozen=True)
class UpsertCounts:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0


async def upsert_documents(
    collection: AsyncCollection[dict[str, Any]],
    tenant: str,
    key_field: str,
    documents: Mapping[str, dict[str, Any]],
    *,
    dry_run: bool = False,
) -> UpsertCounts:
    """Replace each document by its key where it differs from the stored one; a document
    equal to the stored one is not written, so re-importing a file changes nothing."""
    imported = updated = unchanged = 0
    keys = list(documents)
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        stored = {
            doc[key_field]: doc
            async for doc in collection.find(
                {"tenant_id": tenant, key_field: {"$in": batch}}, {"_id": 0}
            )
        }
        writes = []
        for key in batch:
            wanted = {"tenant_id": tenant, **documents[key]}
            if key not in stored:
                imported += 1
            elif stored[key] == wanted:
                unchanged += 1
                continue
            else:
                updated += 1
            writes.append(ReplaceOne({"tenant_id": tenant, key_field: key}, wanted, upsert=True))
        if dry_run:
            continue
        for at in range(0, len(writes), STATEMENTS_PER_COMMAND):
            await collection.bulk_write(writes[at : at + STATEMENTS_PER_COMMAND], ordered=False)
    return UpsertCounts(imported, updated, unchanged)
