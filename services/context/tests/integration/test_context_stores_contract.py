"""The in-memory live and stored contexts (the step's unit tests' fakes) and the Redis and
MongoDB stores keep the same promises, checked by the same assertions against both: a
context reads back as written, an end leaves only its marker, a record is stored once."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from context_service.adapters.live_store import LiveContextStore
from context_service.adapters.stored_context import StoredContextStore
from context_service.adapters.translate import to_change
from context_service.domain import (
    Caller,
    Departure,
    LiveContext,
    StoredContext,
    apply,
    records_to_store,
    with_caller,
)
from context_service.ports import LiveContextWriter, StoredContexts
from context_service.transfer_example import ENDED_AT, PHONE, events
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from step_fakes.context import InMemoryLiveContexts, InMemoryStoredContexts

pytestmark = pytest.mark.integration

TENANT, SESSION = "acme", "s-1"
KEY = (TENANT, SESSION)
NOW = ENDED_AT + timedelta(seconds=1)
JOHN = Caller(address=PHONE, address_kind="pstn", source="address_book", display_name="John Doe")


def folded(upto: int) -> tuple[LiveContext, list[Departure]]:
    """The transfer example's context after its first ``upto`` events."""
    context, departures = LiveContext(TENANT, SESSION), list[Departure]()
    for event in events(TENANT, SESSION)[:upto]:
        change = to_change(event)
        assert change is not None
        context, left = apply(context, change)
        if context.needs_caller:
            context = with_caller(context, JOHN)
        departures += left
    return context, departures


@dataclass
class Stores:
    live: LiveContextWriter
    stored: StoredContexts
    readable: StoredContextStore | InMemoryStoredContexts
    """``stored`` again, with the read both offer."""

    async def read_stored(self) -> list[StoredContext]:
        return await self.readable.for_session(TENANT, SESSION, NOW)


@pytest.fixture(params=["in memory", "redis and mongodb"])
def stores(
    request: pytest.FixtureRequest, redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> Stores:
    if request.param == "in memory":
        stored = InMemoryStoredContexts()
        return Stores(InMemoryLiveContexts(), stored, stored)
    hour = timedelta(hours=1)
    real = StoredContextStore(mongo_databases.create("ctx"))
    live = LiveContextStore(redis_keys.client, redis_keys.prefix, hour, hour)
    return Stores(live, real, real)


async def test_a_context_reads_back_as_written_and_an_unknown_one_as_none(stores: Stores) -> None:
    context, _ = folded(6)  # in B, with A's and B's parameters and the caller resolved

    await stores.live.write_many([context], [])

    assert await stores.live.load_many([KEY, (TENANT, "other")]) == [
        (context, False),
        (None, False),
    ]


async def test_an_ended_session_is_read_as_ended_without_its_context(stores: Stores) -> None:
    context, _ = folded(8)
    await stores.live.write_many([context], [])

    await stores.live.write_many([], [context])

    assert await stores.live.load_many([KEY]) == [(None, True)]


async def test_a_record_is_stored_once_and_reads_back_as_stored(stores: Stores) -> None:
    _, departures = folded(9)
    records = records_to_store(departures, lambda service, at: True, NOW)

    assert await stores.stored.insert(records) == 3
    assert await stores.stored.insert(records) == 0

    read = await stores.read_stored()
    assert sorted(read, key=lambda r: r.service_session_id) == sorted(
        records, key=lambda r: r.service_session_id
    )
