"""Does the MongoDB-wire server answer a query by index? Read from its own ``explain``.

``recorded_finds`` records the ``find`` commands code under test really sends (pymongo's
command monitoring), so a test explains exactly those, not a copy of them.

Each server words its plan differently: MongoDB names an ``IXSCAN`` stage; FerretDB v1
hands back its backend's plan, PostgreSQL's (``Index Scan``, ``Bitmap Index Scan``) or
SQLite's (``SEARCH … USING INDEX``; a full scan reads ``SCAN table``). A query is index
backed when its plan names any of them: the index narrows what is read; the rest of the
filter may still be applied to what it found.
"""

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

__all__ = [
    "FindRecorder",
    "index_backed",
    "names_an_index",
    "plan_words",
    "recorded_finds",
    "unindexed_finds",
]

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


def names_an_index(query_planner: object) -> bool:
    """Whether an ``explain``'s ``queryPlanner`` reads through an index, on any server."""
    return any(marker in word for word in plan_words(query_planner) for marker in _INDEX_WORDS)


async def index_backed(
    collection: AsyncCollection[Document],
    query: Document,
    sort: Sequence[tuple[str, int]] | None = None,
) -> bool:
    command: Document = {"find": collection.name, "filter": query}
    if sort:
        command["sort"] = dict(sort)
    explained = await collection.database.command("explain", command, verbosity="queryPlanner")
    return names_an_index(explained.get("queryPlanner", {}))


class FindRecorder(monitoring.CommandListener):
    """Every ``find`` command sent: its collection, filter and sort."""

    def __init__(self) -> None:
        self.finds: list[Document] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            command = event.command
            self.finds.append(
                {
                    "collection": command["find"],
                    "filter": dict(command.get("filter", {})),
                    "sort": list(dict(command.get("sort", {})).items()),
                }
            )

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@asynccontextmanager
async def recorded_finds(
    url: str, database: str
) -> AsyncIterator[tuple[AsyncDatabase[Document], FindRecorder]]:
    """A database handle whose ``find`` commands are recorded (``tz_aware`` as services')."""
    recorder = FindRecorder()
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        url, tz_aware=True, event_listeners=[recorder]
    )
    try:
        yield client[database], recorder
    finally:
        await client.close()


async def unindexed_finds(database: AsyncDatabase[Document], finds: list[Document]) -> list[str]:
    """The recorded finds the server would not answer by index, described by their field
    names (never values), so an assertion message says which query to fix."""
    slow = []
    for find in finds:
        if not await index_backed(database[find["collection"]], find["filter"], find["sort"]):
            slow.append(f"{find['collection']}: filter on {sorted(find['filter'])}")
    return slow
