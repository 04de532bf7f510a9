"""Does code under test query the MongoDB-wire server by index? Read from its own ``explain``.

``recorded_finds`` records the ``find`` commands code under test really sends (pymongo's
command monitoring), so a test explains exactly those, not a copy of them; and the filters
of every other command that selects documents (each statement of a ``delete`` or an
``update``, an ``aggregate``'s first ``$match``, a ``count``), which a test explains as
the ``find`` of the same filter: the server selects their documents the same way.

How each server's plan is read (``index_backed``, ``names_an_index``) lives in
``mysessions_platform.query_plans``, which production code uses too; re-exported here.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase

from mysessions_platform.query_plans import index_backed, names_an_index, plan_words

__all__ = [
    "FindRecorder",
    "index_backed",
    "names_an_index",
    "plan_words",
    "recorded_finds",
    "unindexed_finds",
]

Document = dict[str, Any]


def _selections(name: str, command: Document) -> list[Document]:
    """The filters a command other than ``find`` selects its documents by."""
    collection = command.get(name)
    if name in ("delete", "update"):
        key = "deletes" if name == "delete" else "updates"
        filters = [dict(statement.get("q", {})) for statement in command.get(key, [])]
    elif name == "aggregate" and command.get("pipeline"):
        filters = [dict(command["pipeline"][0].get("$match", {}))]
    elif name == "count":
        filters = [dict(command.get("query") or {})]
    else:
        return []
    return [{"collection": collection, "command": name, "filter": f, "sort": []} for f in filters]


class FindRecorder(monitoring.CommandListener):
    """Every ``find`` command sent: its collection, filter and sort; and in ``selections``
    the filters of the other commands that select documents (see the module's docstring)."""

    def __init__(self) -> None:
        self.finds: list[Document] = []
        self.selections: list[Document] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        command = event.command
        if event.command_name == "find":
            self.finds.append(
                {
                    "collection": command["find"],
                    "filter": dict(command.get("filter", {})),
                    "sort": list(dict(command.get("sort", {})).items()),
                }
            )
        else:
            self.selections += _selections(event.command_name, dict(command))

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
    """The recorded finds (or selections) the server would not answer by index, described
    by their field names (never values), so an assertion message says which query to fix."""
    slow = []
    for find in finds:
        if not await index_backed(database[find["collection"]], find["filter"], find["sort"]):
            command = find.get("command", "find")
            slow.append(f"{command} {find['collection']}: filter on {sorted(find['filter'])}")
    return slow
