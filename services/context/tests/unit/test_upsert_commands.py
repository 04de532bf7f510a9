"""An import's replacements go to the server in commands of at most 16 statements: FerretDB
v1 never answers an update command of about 50 replacements of stored documents (it keeps
each statement's read open until the command ends, and runs out of connections), and
nothing else on that server answers after it. A fake collection records the commands."""

from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
from context_service.adapters.upsert import STATEMENTS_PER_COMMAND, upsert_documents
from pymongo import ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection

pytestmark = pytest.mark.unit

Document = dict[str, Any]


class FakeContacts:
    def __init__(self, stored: list[Document]) -> None:
        self.stored = {doc["key"]: doc for doc in stored}
        self.commands: list[int] = []

    def find(self, query: Document, projection: Document) -> AsyncIterator[Document]:
        wanted = query["key"]["$in"]

        async def found() -> AsyncIterator[Document]:
            for key in wanted:
                if key in self.stored:
                    yield self.stored[key]

        return found()

    async def bulk_write(self, writes: list[ReplaceOne[Document]], ordered: bool) -> None:
        self.commands.append(len(writes))
        for write in writes:
            replacement = cast(Document, write._doc)  # the statement's document, as sent
            self.stored[replacement["key"]] = replacement


async def test_replacements_go_in_commands_of_at_most_16_statements() -> None:
    stored = [{"tenant_id": "acme", "key": f"k{n}", "name": "old"} for n in range(300)]
    contacts = FakeContacts(stored)
    wanted = {f"k{n}": {"key": f"k{n}", "name": "new"} for n in range(600)}
    counts = await upsert_documents(
        cast(AsyncCollection[dict[str, Any]], contacts), "acme", "key", wanted
    )
    assert (counts.imported, counts.updated, counts.unchanged) == (300, 300, 0)
    assert max(contacts.commands) == STATEMENTS_PER_COMMAND == 16
    assert sum(contacts.commands) == 600
    assert all(doc["name"] == "new" for doc in contacts.stored.values())
