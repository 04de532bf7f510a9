from collections.abc import AsyncIterator

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document, connect
from mysessions_platform.testing.mongo_databases import MongoDatabases
from pymongo.asynchronous.database import AsyncDatabase


@pytest.fixture
async def reporting_db(
    servers: Endpoints, mongo_databases: MongoDatabases
) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of this test's own, read through a client like the workers'
    (timezone-aware datetimes); dropped after the test."""
    client = connect(servers.mongodb_url)
    try:
        yield client[mongo_databases.create("rep").name]
    finally:
        await client.close()
