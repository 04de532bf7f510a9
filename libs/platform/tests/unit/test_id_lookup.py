"""``IdLookup`` on fakes of a collection: the mode is read from the server's ``explain``
once; either mode returns what ``$in`` returns (an independent reference: the stored
documents whose id is asked for), per id at most ``concurrency`` finds at a time."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mysessions_platform.id_lookup import IdLookup, LookupMode
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import AutoReconnect, OperationFailure

pytestmark = pytest.mark.unit

Document = dict[str, Any]
MONGODB_PLAN = {"winningPlan": {"stage": "FETCH", "inputStage": {"stage": "IXSCAN"}}}
POSTGRESQL_PLAN = {"Plan": {"Node Type": "Seq Scan", "Relation Name": "t"}}


class FakeDatabase:
    def __init__(self, plan: Document, exists: bool = True) -> None:
        self.plan, self.exists = plan, exists
        self.explained: list[Document] = []
        self.created: list[str] = []

    async def command(self, name: str, command: Document, verbosity: str) -> Document:
        assert (name, verbosity) == ("explain", "queryPlanner")
        self.explained.append(command)
        return {"queryPlanner": self.plan}

    async def create_collection(self, name: str, check_exists: bool) -> None:
        self.created.append(name)
        if self.exists:
            raise OperationFailure("Collection already exists", code=48)
        self.exists = True


class FakeCollection:
    """Serves ``find`` (only ``{_id: {$in: ids}}``) and ``find_one`` (only ``{_id: id}``)."""

    name = "things"

    def __init__(
        self, docs: list[Document], plan: Document = POSTGRESQL_PLAN, fail_on: object = None
    ) -> None:
        self.docs = {doc["_id"]: doc for doc in docs}
        self.database = FakeDatabase(plan)
        self.fail_on = fail_on
        self.finds: list[tuple[Document, Document | None]] = []
        self.in_flight = self.most_in_flight = 0

    def find(self, query: Document, projection: Document | None = None) -> AsyncIterator[Document]:
        self.finds.append((query, projection))
        wanted = query["_id"]["$in"]

        async def matching() -> AsyncIterator[Document]:
            for id_, doc in self.docs.items():
                if id_ in wanted:
                    yield doc

        return matching()

    async def find_one(
        self, query: Document, projection: Document | None = None
    ) -> Document | None:
        assert set(query) == {"_id"}
        assert not isinstance(query["_id"], dict)
        self.finds.append((query, projection))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)
            if query["_id"] == self.fail_on:
                raise AutoReconnect("connection lost")
            return self.docs.get(query["_id"])
        finally:
            self.in_flight -= 1


def as_collection(fake: FakeCollection) -> AsyncCollection[Document]:
    return cast(AsyncCollection[Document], fake)


def reference(stored: list[Document], ids: list[str]) -> list[Document]:
    """What ``find({_id: {$in: ids}})`` returns, as a set: each stored document asked for."""
    return sorted((doc for doc in stored if doc["_id"] in set(ids)), key=lambda d: d["_id"])


def by_id(docs: list[Document]) -> list[Document]:
    return sorted(docs, key=lambda d: d["_id"])


@pytest.mark.parametrize(
    ("plan", "mode"), [(MONGODB_PLAN, LookupMode.BATCHED), (POSTGRESQL_PLAN, LookupMode.PER_ID)]
)
async def test_the_mode_is_what_the_servers_plan_of_an_in_says(
    plan: Document, mode: LookupMode
) -> None:
    fake = FakeCollection([{"_id": "a"}], plan)
    lookup = IdLookup()
    assert await lookup.detect(as_collection(fake)) is mode
    assert await lookup.detect(as_collection(fake)) is mode
    assert await lookup.find_by_ids(as_collection(fake), ["a"]) == [{"_id": "a"}]
    assert len(fake.database.explained) == 1  # once, not per call
    assert set(fake.database.explained[0]["filter"]["_id"]) == {"$in"}


async def test_detection_creates_a_missing_collection_first() -> None:
    fake = FakeCollection([], MONGODB_PLAN)
    fake.database.exists = False
    assert await IdLookup().detect(as_collection(fake)) is LookupMode.BATCHED
    assert fake.database.created == ["things"]


async def test_other_errors_of_the_creation_are_raised() -> None:
    fake = FakeCollection([])

    async def refuse(name: str, check_exists: bool) -> None:
        raise OperationFailure("not authorized", code=13)

    fake.database.create_collection = refuse  # type: ignore[method-assign]
    with pytest.raises(OperationFailure):
        await IdLookup().detect(as_collection(fake))


async def test_an_undetected_lookup_detects_on_first_use_only_once() -> None:
    fake = FakeCollection([{"_id": "a"}, {"_id": "b"}])
    lookup = IdLookup()
    await asyncio.gather(*(lookup.find_by_ids(as_collection(fake), ["a", "b"]) for _ in range(5)))
    assert lookup.mode is LookupMode.PER_ID
    assert len(fake.database.explained) == 1


async def test_batched_is_one_in_find_of_the_unique_ids() -> None:
    fake = FakeCollection([{"_id": "a", "x": 1}, {"_id": "b", "x": 2}], MONGODB_PLAN)
    lookup = IdLookup(LookupMode.BATCHED)
    found = await lookup.find_by_ids(as_collection(fake), ["b", "zz", "b", "a"], {"x": 1})
    assert by_id(found) == [{"_id": "a", "x": 1}, {"_id": "b", "x": 2}]
    assert fake.finds == [({"_id": {"$in": ["b", "zz", "a"]}}, {"x": 1})]


async def test_per_id_is_one_equality_find_per_unique_id_with_the_projection() -> None:
    fake = FakeCollection([{"_id": "a"}, {"_id": "b"}])
    found = await IdLookup(LookupMode.PER_ID).find_by_ids(
        as_collection(fake), ["b", "zz", "b", "a"], {"x": 1}
    )
    assert found == [{"_id": "b"}, {"_id": "a"}]
    assert sorted(q["_id"] for q, _ in fake.finds) == ["a", "b", "zz"]
    assert {str(p) for _, p in fake.finds} == {str({"x": 1})}


async def test_no_ids_no_command() -> None:
    fake = FakeCollection([{"_id": "a"}])
    assert await IdLookup().find_by_ids(as_collection(fake), []) == []
    assert fake.finds == []
    assert fake.database.explained == []


async def test_per_id_finds_are_bounded_in_flight() -> None:
    fake = FakeCollection([{"_id": f"d{n}"} for n in range(100)])
    lookup = IdLookup(LookupMode.PER_ID, concurrency=4)
    found = await lookup.find_by_ids(as_collection(fake), [f"d{n}" for n in range(100)])
    assert len(found) == 100
    assert fake.most_in_flight == 4


async def test_a_failed_find_is_raised_as_itself_and_stops_the_others() -> None:
    fake = FakeCollection([{"_id": f"d{n}"} for n in range(100)], fail_on="d3")
    lookup = IdLookup(LookupMode.PER_ID, concurrency=4)
    with pytest.raises(AutoReconnect):
        await lookup.find_by_ids(as_collection(fake), [f"d{n}" for n in range(100)])
    asked = len(fake.finds)
    await asyncio.sleep(0.01)
    assert len(fake.finds) == asked < 100  # the other lanes were cancelled, not left running


def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        IdLookup(concurrency=0)


_IDS = st.lists(st.sampled_from([f"id-{n}" for n in range(30)]), max_size=40)


@settings(max_examples=60, deadline=None)
@given(stored=_IDS, asked=_IDS, concurrency=st.integers(1, 8))
def test_both_modes_return_what_in_returns(
    stored: list[str], asked: list[str], concurrency: int
) -> None:
    docs = [{"_id": id_, "n": n} for n, id_ in enumerate(dict.fromkeys(stored))]
    for mode in LookupMode:
        fake = FakeCollection(docs)
        found = asyncio.run(IdLookup(mode, concurrency).find_by_ids(as_collection(fake), asked))
        assert by_id(found) == reference(docs, asked)
