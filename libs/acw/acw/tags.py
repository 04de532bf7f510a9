"""Tag counts in MongoDB, exact under retries, and the prefix query agents type into.

``tag_uses`` holds one document per (tenant, service, user session, case-folded tag),
insert-only under a unique index, so a retried save adds nothing. ``tag_counts`` holds one
document per (tenant, service, case-folded tag): ``count`` is *recounted* from the uses
(an index range count) and stored with ``$max``, so a retry or two savers racing can never
count one use twice or move a count backwards; ``display`` is the most used spelling
(``display_count`` its uses, replaced only by a spelling with more). Suggestions read
``tag_counts`` through its unique index on (tenant_id, service_id, key): a prefix is an
index range, not a scan; the matches are ordered by ``count`` (most used first), then key.

No transactions needed (FerretDB has none): every step is idempotent on its own, so a crash
between them is repaired by running the save's counting again (the outbox does).
"""

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from mysessions_platform.mongo import Document
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from acw.domain import MAX_TAG_CHARS, fold_tag

__all__ = ["MAX_SUGGESTIONS", "TAG_COUNTS", "TAG_USES", "Suggestion", "TagCounts"]

TAG_USES: Final = "tag_uses"
TAG_COUNTS: Final = "tag_counts"
MAX_SUGGESTIONS: Final = 50
_TOP: Final = "\U0010ffff"  # sorts after every character a folded tag can hold


@dataclass(frozen=True, slots=True)
class Suggestion:
    tag: str
    """The most used spelling."""
    count: int


class TagCounts:
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._uses = database[TAG_USES]
        self._counts = database[TAG_COUNTS]

    async def ensure_indexes(self) -> None:
        scope = [("tenant_id", ASCENDING), ("service_id", ASCENDING), ("key", ASCENDING)]
        await self._uses.create_index(
            [*scope, ("user_session_id", ASCENDING)], unique=True, name="one_use_per_save"
        )
        await self._uses.create_index([*scope, ("display", ASCENDING)], name="spellings")
        await self._counts.create_index(scope, unique=True, name="by_prefix")

    async def record(
        self, tenant_id: str, service_id: str, user_session_id: str, tags: Sequence[str]
    ) -> None:
        """Counts the tags of one save; running it again for the same save changes nothing."""
        for tag in tags:
            scope = {"tenant_id": tenant_id, "service_id": service_id, "key": fold_tag(tag)}
            with contextlib.suppress(DuplicateKeyError):  # a retry: the recount is still due
                await self._uses.insert_one(
                    {**scope, "user_session_id": user_session_id, "display": tag}
                )
            await self._recount(scope, tag)

    async def _recount(self, scope: Document, tag: str) -> None:
        uses = await self._uses.count_documents(scope)
        spelled = await self._uses.count_documents({**scope, "display": tag})
        try:
            await self._counts.update_one(
                scope,
                {"$max": {"count": uses}, "$setOnInsert": {"display": tag, "display_count": 0}},
                upsert=True,
            )
        except DuplicateKeyError:  # a concurrent first use inserted it: update it instead
            await self._counts.update_one(scope, {"$max": {"count": uses}})
        await self._counts.update_one(
            {**scope, "display_count": {"$lt": spelled}},
            {"$set": {"display": tag, "display_count": spelled}},
        )

    async def suggest(
        self, tenant_id: str, service_id: str, prefix: str, limit: int = 10
    ) -> list[Suggestion]:
        """Tags starting with ``prefix`` (ignoring case), most used first."""
        if not 1 <= limit <= MAX_SUGGESTIONS:
            raise ValueError(f"limit must be 1 to {MAX_SUGGESTIONS}")
        if len(prefix) > MAX_TAG_CHARS:
            return []
        start = fold_tag(prefix)
        cursor = (
            self._counts.find(
                {
                    "tenant_id": tenant_id,
                    "service_id": service_id,
                    "key": {"$gte": start, "$lt": start + _TOP},
                },
                {"_id": 0, "display": 1, "count": 1, "key": 1},
            )
            .sort([("count", DESCENDING), ("key", ASCENDING)])
            .limit(limit)
        )
        return [Suggestion(found["display"], int(found["count"])) async for found in cursor]
