"""``StoredContextStore.latest_of`` on the MongoDB-wire server: a page of 1,000 pairs is one
``find`` where the server plans an ``$in`` by index (MongoDB), else one find per session,
each answered by index (FerretDB v1, which would read every record of the tenant for the
``$in``; counted by a pymongo command listener and explained); and whatever the records
(several per pair, expired ones, other tenants, sessions and services mixed in) it answers
exactly what ``latest`` answers pair by pair."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from context_service.adapters.stored_context import StoredContextStore
from context_service.domain import Caller, StoredContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mysessions_platform.id_lookup import IdLookup, LookupMode
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.query_plans import recorded_finds, unindexed_finds
from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandListener, CommandStartedEvent

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class Commands(CommandListener):
    """The names of the commands the client sent, in order."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: CommandStartedEvent) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: object) -> None:
        pass

    def failed(self, event: object) -> None:
        pass


@pytest.fixture
async def counted(servers: Endpoints) -> AsyncIterator[tuple[StoredContextStore, Commands]]:
    """A store on a database of its own, through a client whose commands are counted."""
    commands = Commands()
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        servers.mongodb_url, event_listeners=[commands], tz_aware=True
    )
    name = unique_name("ctxb")
    try:
        store = StoredContextStore(client[name])
        await store.ensure_indexes()
        yield store, commands
    finally:
        await client.drop_database(name)
        await client.close()


def record(
    tenant: str,
    session: str,
    service: str,
    n: int,
    stored_s: int,
    left_s: int,
    expires_s: int,
) -> StoredContext:
    stored_at = NOW - timedelta(days=1) + timedelta(seconds=stored_s)
    return StoredContext(
        tenant_id=tenant,
        session_id=session,
        service_session_id=f"{session}:{n}",
        service_id=service,
        service_name=f"Service {service}",
        left_at=stored_at + timedelta(seconds=left_s),
        left_how="ended",
        started_at=None,
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=Caller(address=f"+4144668{n:04d}", address_kind="pstn", source="address_book"),
        parameters={},
        stored_at=stored_at,
        expires_at=NOW + timedelta(seconds=expires_s),
    )


async def test_a_page_of_a_thousand_pairs_is_one_find_where_an_in_is_planned_by_index(
    counted: tuple[StoredContextStore, Commands],
) -> None:
    store, commands = counted
    pairs = [(f"s-{n}", "svc-a") for n in range(1000)]
    stored = [record("t-1", s, service, n, 0, 0, 3600) for n, (s, service) in enumerate(pairs)]
    assert await store.insert(stored) == 1000
    batched = StoredContextStore(store.database, IdLookup(LookupMode.BATCHED))
    commands.names.clear()

    found = await batched.latest_of("t-1", pairs, NOW)

    assert found == {(r.session_id, r.service_id): r for r in stored}
    assert commands.names.count("find") == 1
    assert set(commands.names) <= {"find", "getMore"}  # the cursor's batches, nothing else


async def test_else_a_page_is_one_indexed_find_per_session(
    servers: Endpoints, counted: tuple[StoredContextStore, Commands]
) -> None:
    store, _ = counted
    others = [record(f"t-{n % 3}", f"o-{n}", "svc-a", n, 0, 0, 3600) for n in range(3000)]
    await store.insert(others)  # enough that PostgreSQL's planner prefers an index
    pairs = [(f"o-{n}", "svc-a") for n in range(0, 300, 3)]  # t-0's
    async with recorded_finds(servers.mongodb_url, store.database.name) as (watched, finds):
        found = await StoredContextStore(watched).latest_of("t-0", pairs, NOW)
    assert sorted(found) == sorted(pairs)
    assert len(finds.finds) == len(pairs)  # FerretDB v1 plans no $in
    assert all(isinstance(find["filter"]["session_id"], str) for find in finds.finds)
    assert await unindexed_finds(store.database, finds.finds[:20]) == []


SESSIONS = st.sampled_from(["s-1", "s-2", "s-3"])
SERVICES = st.sampled_from(["svc-a", "svc-b"])
RECORDS = st.lists(
    st.tuples(
        st.sampled_from(["t-1", "t-2"]),
        SESSIONS,
        SERVICES,
        st.integers(0, 3),  # stored_at: few values, so equal instants happen
        st.integers(0, 2),  # left_at after it
        st.sampled_from([-60, 0, 1, 3600]),  # expires: before, at, just after, well after now
    ),
    max_size=14,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(records=RECORDS, asked=st.lists(st.tuples(SESSIONS, SERVICES), max_size=6))
async def test_latest_of_answers_what_latest_answers_pair_by_pair(
    counted: tuple[StoredContextStore, Commands],
    records: list[tuple[str, str, str, int, int, int]],
    asked: list[tuple[str, str]],
) -> None:
    store, _ = counted
    await store.erase("t-1")
    await store.erase("t-2")
    stored = [record(t, s, v, n, a, b, e) for n, (t, s, v, a, b, e) in enumerate(records)]
    await store.insert(stored)

    found = await store.latest_of("t-1", asked, NOW)

    reference = {}
    for session, service in asked:
        latest = await store.latest("t-1", session, service, NOW)
        if latest is not None:
            reference[(session, service)] = latest
    assert found == reference
    assert all(record.visible_at(NOW) for record in found.values())


async def test_no_pairs_is_no_query(counted: tuple[StoredContextStore, Commands]) -> None:
    store, commands = counted
    commands.names.clear()
    assert await store.latest_of("t-1", [], NOW) == {}
    assert commands.names == []
