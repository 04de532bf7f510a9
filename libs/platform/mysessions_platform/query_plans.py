"""Does the MongoDB-wire server answer a query by index? Read from its own ``explain``.

Each server words its plan differently: MongoDB names an ``IXSCAN`` stage; FerretDB v1
hands back its backend's plan, PostgreSQL's (``Index Scan``, ``Bitmap Index Scan``) or
SQLite's (``SEARCH … USING INDEX``; a full scan reads ``SCAN table``). A query is index
backed when its plan names any of them: the index narrows what is read; the rest of the
filter may still be applied to what it found. Production code reads plans to choose how to
query (``id_lookup``); tests, to prove a query is cheap (``testing.query_plans``).
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from pymongo.asynchronous.collection import AsyncCollection

__all__ = ["index_backed", "names_an_index", "plan_words"]

Document = dict[str, Any]
_INDEX_WORDS: Final = ("IXSCAN", "Index Scan", "USING INDEX", "USING COVERING INDEX")


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


def names_an_index(query_planner: object) -> bool:
    """Whether an ``explain``'s ``queryPlanner`` reads through an index, on any server."""
    return any(marker in word for word in plan_words(query_planner) for marker in _INDEX_WORDS)


async def index_backed(
    collection: AsyncCollection[Document],
    query: Document,
    sort: Sequence[tuple[str, int]] | None = None,
) -> bool:
    """Whether the server would answer this ``find`` through an index (its ``explain``)."""
    command: Document = {"find": collection.name, "filter": query}
    if sort:
        command["sort"] = dict(sort)
    explained = await collection.database.command("explain", command, verbosity="queryPlanner")
    return names_an_index(explained.get("queryPlanner", {}))
