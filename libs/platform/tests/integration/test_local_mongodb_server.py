"""The local MongoDB-wire server ``infra up`` runs (FerretDB on a private PostgreSQL
cluster) answers equality filters by index, so a query's cost does not grow with what
else is stored (issue 14: FerretDB on SQLite read every document of the collection).

Runs a second cluster and FerretDB of the test's own, on free ports in a temporary cache
(the FerretDB binary of this checkout's cache, built by ``infra up`` if missing)."""

import asyncio
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mysessions_platform.infra.endpoints import FERRETDB_DEBUG_PORT, MONGODB_PORT
from mysessions_platform.infra.ferretdb_server import FerretDbServer
from mysessions_platform.infra.locking import machine_lock_sync
from mysessions_platform.infra.paths import cache_dir
from mysessions_platform.infra.postgresql_server import PostgreSqlServer
from mysessions_platform.infra.processes import running_pid, stop
from mysessions_platform.infra.waiting import wait_until_ready
from mysessions_platform.mongo import Document, connect
from mysessions_platform.testing.query_plans import index_backed
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _free_ferretdb_port() -> int:
    """A free port whose debug twin (FerretDB listens on both, a fixed offset apart) is free
    too: a random port alone once put the debug listener on a taken port, and FerretDB
    never answered."""
    while True:
        port = _free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", FERRETDB_DEBUG_PORT + port - MONGODB_PORT))
            except OSError:
                continue
        return port


def _private_cache() -> Path:
    """A cache holding this checkout's FerretDB binary. Not pytest's tmp_path: as root its
    folders are private, and PostgreSQL then runs as `postgres`, which must reach its data."""
    shared = FerretDbServer(cache_dir())
    # A no-op once `infra up` built it. Under the machine's lock: this module's tests run on
    # parallel workers, and two builds copying into one source folder broke each other.
    with machine_lock_sync():
        shared.install()
    cache = Path(tempfile.mkdtemp(prefix="mysessions-pg-"))
    cache.chmod(0o755)
    (cache / "bin").mkdir()
    shutil.copy2(shared.binary, cache / "bin" / "ferretdb")
    shutil.copy2(shared.stamp, cache / "bin" / "ferretdb.version")
    return cache


@pytest.fixture
async def local_server() -> AsyncIterator[AsyncDatabase[Document]]:
    cache = await asyncio.to_thread(_private_cache)
    storage = PostgreSqlServer(cache, port=_free_port())
    server = FerretDbServer(cache, port=_free_ferretdb_port(), storage_port=storage.port)
    url = f"mongodb://127.0.0.1:{server.port}/"
    try:
        storage.start()
        await wait_until_ready("postgresql", lambda: storage.ping(url), give_up_after=60)
        server.start()
        await wait_until_ready("ferretdb", lambda: server.ping(url), give_up_after=60)
        client = connect(url)
        try:
            yield client["t"]
        finally:
            await client.close()
    finally:
        stop(server.pid_file, server.process_marker)
        stop(storage.pid_file, storage.process_marker, stop_signal=storage.stop_signal)
        assert running_pid(storage.pid_file, storage.process_marker) is None
        shutil.rmtree(cache, ignore_errors=True)


async def test_equality_filters_are_answered_by_index(
    local_server: AsyncDatabase[Document],
) -> None:
    facts = local_server["facts"]
    await facts.create_index([("tenant_id", ASCENDING), ("session_id", ASCENDING)])
    await facts.insert_many(
        [
            {"_id": f"f{n}", "tenant_id": f"t{n % 7}", "session_id": f"s{n // 3}", "n": n}
            for n in range(3000)
        ]
    )
    one_session = {"tenant_id": "t4", "session_id": "s400"}  # n = 1201
    assert [doc["n"] async for doc in facts.find(one_session)] == [1201]
    assert await index_backed(facts, one_session)
    assert await index_backed(facts, {"tenant_id": "t1"})  # a prefix of the index
    assert await index_backed(facts, {"_id": "f5"})
    assert not await index_backed(facts, {"n": 5})  # no index on n: a scan, as it should


async def test_a_dropped_index_takes_its_twin_with_it(
    local_server: AsyncDatabase[Document],
) -> None:
    facts = local_server["facts"]
    # Enough rows that the planner prefers an index to reading the table.
    await facts.insert_many([{"_id": f"a{n}", "tenant_id": f"t{n}"} for n in range(3000)])
    name = await facts.create_index([("tenant_id", ASCENDING)])
    assert await index_backed(facts, {"tenant_id": "t7"})
    await facts.drop_index(name)
    assert not await index_backed(facts, {"tenant_id": "t7"})
