"""MongoDB databases made for one test, dropped after it."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from .naming import unique_name

__all__ = ["MongoDatabases", "mongo_databases"]

Document = dict[str, Any]


class MongoDatabases:
    def __init__(self, client: AsyncMongoClient[Document]) -> None:
        self.client = client
        self.names: list[str] = []

    def create(self, prefix: str = "t") -> AsyncDatabase[Document]:
        """A handle on a new, uniquely named database (MongoDB creates it on first write)."""
        name = unique_name(prefix)
        self.names.append(name)
        return self.client[name]

    async def drop_all(self) -> None:
        for name in self.names:
            await self.client.drop_database(name)


@asynccontextmanager
async def mongo_databases(url: str) -> AsyncIterator[MongoDatabases]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(url)
    async with AsyncExitStack() as cleanup:  # runs last-in first-out, also when the test failed
        cleanup.push_async_callback(client.close)
        databases = MongoDatabases(client)
        cleanup.push_async_callback(databases.drop_all)
        yield databases
