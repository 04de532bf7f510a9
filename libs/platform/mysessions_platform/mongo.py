"""MongoDB plumbing every service shares: one client factory, one database per URL.

The database is the URL's path (``mongodb://host:27017/mysessions``), else ``mysessions``;
tests point a worker at their own database by the URL alone. Clients are opened in a
worker's lifespan (``async with mongo_client(url) as client``), never at import.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

__all__ = [
    "DEFAULT_DATABASE",
    "Document",
    "as_utc",
    "connect",
    "mongo_client",
    "mongo_database",
    "with_database",
]

Document = dict[str, Any]
DEFAULT_DATABASE: Final = "mysessions"
_SERVER_SELECTION_MS: Final = 5_000  # fail a command after 5 s without a server, not 30 s


def connect(url: str) -> AsyncMongoClient[Document]:
    """A client returning timezone-aware UTC datetimes (BSON dates carry no zone).

    The caller closes it (``await client.close()``)."""
    return AsyncMongoClient(url, tz_aware=True, serverSelectionTimeoutMS=_SERVER_SELECTION_MS)


@asynccontextmanager
async def mongo_client(url: str) -> AsyncIterator[AsyncMongoClient[Document]]:
    client = connect(url)
    try:
        yield client
    finally:
        await client.close()


def mongo_database(client: AsyncMongoClient[Document]) -> AsyncDatabase[Document]:
    """The database named in the client's URL, else ``mysessions``."""
    return client.get_default_database(default=DEFAULT_DATABASE)


def as_utc(value: datetime) -> datetime:
    """A datetime read from MongoDB, aware in UTC whether or not the client was ``tz_aware``."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def with_database(url: str, database: str) -> str:
    """The MongoDB URL naming another database (its path)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))
