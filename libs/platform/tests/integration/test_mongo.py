"""The shared MongoDB plumbing: the database from the URL, datetimes back in UTC."""

from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import DEFAULT_DATABASE, connect, mongo_client, mongo_database
from mysessions_platform.testing.mongo_databases import MongoDatabases

pytestmark = pytest.mark.integration


async def test_the_database_is_the_urls_path_and_dates_come_back_aware(
    servers: Endpoints, mongo_databases: MongoDatabases
) -> None:
    name = mongo_databases.create("plumbing").name
    url = urlunsplit(urlsplit(servers.mongodb_url)._replace(path=f"/{name}"))
    instant = datetime(2026, 12, 1, 9, 0, 0, 123000, tzinfo=UTC)
    async with mongo_client(url) as client:
        database = mongo_database(client)
        assert database.name == name
        await database.things.insert_one({"at": instant})
        found = await database.things.find_one({}, projection={"_id": False})
    assert found == {"at": instant}
    assert found["at"].tzinfo is not None


async def test_without_a_path_the_database_is_mysessions(servers: Endpoints) -> None:
    client = connect(urlunsplit(urlsplit(servers.mongodb_url)._replace(path="/")))
    try:
        assert mongo_database(client).name == DEFAULT_DATABASE
    finally:
        await client.close()
