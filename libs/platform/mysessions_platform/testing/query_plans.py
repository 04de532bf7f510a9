"""Does the MongoDB-wire server answer a query by index? Read from its own ``explain``.

Each server words its plan differently: MongoDB names an ``IXSCAN`` stage; FerretDB v1
hands back its backend's plan, PostgreSQL's (``Index Scan``, ``Bitmap Index Scan``) or
SQLite's (``SEARCH … USING INDEX``; a full scan reads ``SCAN table``). A query is index
backed when its plan names any of them: the index narrows what is read; the rest of the
filter may still be applied to what it found.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

__all__ = ["index_backed", "plan_words"]

Document = dict[str, Any]
_INDEX_WORDS = ("IXSCAN", "Index Scan", "USING INDEX", "USING COVERING INDEX")


def plan_words(plan: object) -> Iterator[str]:
    """Every string in the plan, however deeply nested."""
    if isinstance(plan, str):
        yield plan
    elif isinstance(plan, Mapping):
        for value in plan.values():
            yield from plan_words(value)
    elif isinstance(plan, Sequence) and not isinstance(plan, bytes):
        for item in plan:
            yield from plan_words(item)


async def index_backed(
    collection: AsyncCollection[Document],
    query: Document,
    sort: Sequence[tuple[str, int]] | None = None,
) -> bool:
    command: Document = {"find": collection.name, "filter": query}
    if sort:
        command["sort"] = dict(sort)
    explained = await collection.database.command("explain", command, verbosity="queryPlanner")
    words = list(plan_words(explained.get("queryPlanner", {})))
    return any(marker in word for word in words for marker in _INDEX_WORDS)
