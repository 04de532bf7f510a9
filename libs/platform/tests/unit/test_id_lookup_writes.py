"""``IdLookup``'s deletes, updates and reads by a field's values on a fake collection: in
either mode they do what the ``$in`` command does (an independent reference computed on
the stored documents); per id, deletes are one command of one statement per id, updates
one ``update_one`` per id with at most ``UPDATE_LANES`` in flight (never one command of
many update statements, which FerretDB v1 never answers)."""

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mysessions_platform.id_lookup import UPDATE_LANES, IdLookup, LookupMode
from pymongo import DeleteOne
from pymongo.asynchronous.collection import AsyncCollection

pytestmark = pytest.mark.unit

Document = dict[str, Any]


def _matches(doc: Document, query: Mapping[str, Any]) -> bool:
    for field, wanted in query.items():
        if isinstance(wanted, dict):
            if doc.get(field) not in wanted["$in"]:
                return False
        elif doc.get(field) != wanted:
            return False
    return True


class Result:
    def __init__(self, deleted_count: int) -> None:
        self.deleted_count = deleted_count


class FakeCollection:
    """Equality and ``$in`` filters; records every command it gets."""

    name = "things"

    def __init__(self, docs: list[Document]) -> None:
        self.docs = {doc["_id"]: dict(doc) for doc in docs}
        self.commands: list[tuple[str, object]] = []
        self.in_flight = self.most_in_flight = 0

    def find(self, query: Document, projection: Document | None = None) -> AsyncIterator[Document]:
        self.commands.append(("find", query))

        async def matching() -> AsyncIterator[Document]:
            for doc in list(self.docs.values()):
                if _matches(doc, query):
                    yield doc

        return matching()

    async def delete_many(self, query: Document) -> Result:
        self.commands.append(("delete_many", query))
        gone = [id_ for id_, doc in self.docs.items() if _matches(doc, query)]
        for id_ in gone:
            del self.docs[id_]
        return Result(len(gone))

    async def bulk_write(self, requests: list[DeleteOne], ordered: bool) -> Result:
        self.commands.append(("bulk_write", len(requests)))
        deleted = 0
        for request in requests:
            query = request._filter  # the statement's filter, as sent
            found = next((id_ for id_, doc in self.docs.items() if _matches(doc, query)), None)
            if found is not None:
                del self.docs[found]
                deleted += 1
        return Result(deleted)

    async def update_many(self, query: Document, update: Document) -> None:
        self.commands.append(("update_many", query))
        for doc in self.docs.values():
            if _matches(doc, query):
                doc.update(update["$set"])

    async def update_one(self, query: Document, update: Document) -> None:
        assert not isinstance(query["_id"], dict)
        self.commands.append(("update_one", query))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)
            for doc in self.docs.values():
                if _matches(doc, query):
                    doc.update(update["$set"])
                    return
        finally:
            self.in_flight -= 1


def as_collection(fake: FakeCollection) -> AsyncCollection[Document]:
    return cast(AsyncCollection[Document], fake)


def stored(n: int) -> list[Document]:
    return [{"_id": f"d{i}", "group": f"g{i % 3}", "seen": i % 2} for i in range(n)]


async def test_per_id_deletes_are_one_command_of_one_statement_per_unique_id() -> None:
    fake = FakeCollection(stored(10))
    lookup = IdLookup(LookupMode.PER_ID)
    deleted = await lookup.delete_by_ids(as_collection(fake), ["d1", "d2", "d1", "zz"])
    assert deleted == 2
    assert fake.commands == [("bulk_write", 3)]
    assert sorted(fake.docs) == sorted(f"d{i}" for i in range(10) if i not in (1, 2))


async def test_batched_deletes_are_one_in_with_the_other_equalities() -> None:
    fake = FakeCollection(stored(10))
    deleted = await IdLookup(LookupMode.BATCHED).delete_by_ids(
        as_collection(fake), ["d1", "d2", "d3"], {"seen": 1}
    )
    assert deleted == 2  # d1, d3: d2 is not seen
    assert fake.commands == [("delete_many", {"_id": {"$in": ["d1", "d2", "d3"]}, "seen": 1})]


async def test_per_id_updates_are_update_ones_bounded_in_flight() -> None:
    fake = FakeCollection(stored(100))
    lookup = IdLookup(LookupMode.PER_ID)
    await lookup.update_by_ids(
        as_collection(fake), [f"d{i}" for i in range(100)], {"$set": {"x": 1}}, {"seen": 0}
    )
    assert {name for name, _ in fake.commands} == {"update_one"}
    assert fake.most_in_flight == UPDATE_LANES
    assert {id_ for id_, doc in fake.docs.items() if doc.get("x") == 1} == {
        f"d{i}" for i in range(0, 100, 2)
    }


async def test_no_ids_no_command() -> None:
    fake = FakeCollection(stored(3))
    for mode in LookupMode:
        lookup = IdLookup(mode)
        assert await lookup.delete_by_ids(as_collection(fake), []) == 0
        await lookup.update_by_ids(as_collection(fake), [], {"$set": {"x": 1}})
        assert await lookup.find_by_values(as_collection(fake), {}, "group", []) == []
    assert fake.commands == []


async def test_per_value_finds_are_equalities_with_the_scope() -> None:
    fake = FakeCollection(stored(9))
    found = await IdLookup(LookupMode.PER_ID).find_by_values(
        as_collection(fake), {"seen": 1}, "group", ["g1", "g2", "g1"]
    )
    assert sorted(doc["_id"] for doc in found) == ["d1", "d5", "d7"]
    assert sorted(str(query) for _, query in fake.commands) == [
        str({"seen": 1, "group": "g1"}),
        str({"seen": 1, "group": "g2"}),
    ]


_IDS = st.lists(st.sampled_from([f"d{n}" for n in range(12)]), max_size=20)


@settings(max_examples=60, deadline=None)
@given(asked=_IDS, seen=st.sampled_from([None, 0, 1]))
def test_both_modes_do_what_the_in_command_does(asked: list[str], seen: int | None) -> None:
    also = None if seen is None else {"seen": seen}

    def wanted(doc: Document) -> bool:
        return doc["_id"] in asked and (seen is None or doc["seen"] == seen)

    for mode in LookupMode:
        fake = FakeCollection(stored(10))
        deleted = asyncio.run(IdLookup(mode).delete_by_ids(as_collection(fake), asked, also))
        assert deleted == sum(wanted(doc) for doc in stored(10))
        assert sorted(fake.docs) == sorted(doc["_id"] for doc in stored(10) if not wanted(doc))

        fake = FakeCollection(stored(10))
        update = {"$set": {"x": 1}}
        asyncio.run(IdLookup(mode).update_by_ids(as_collection(fake), asked, update, also))
        assert sorted(i for i, d in fake.docs.items() if d.get("x")) == sorted(
            doc["_id"] for doc in stored(10) if wanted(doc)
        )

        fake = FakeCollection(stored(10))
        groups = [f"g{int(id_[1:]) % 4}" for id_ in asked]
        found = asyncio.run(
            IdLookup(mode).find_by_values(as_collection(fake), also or {}, "group", groups)
        )
        expected = [
            doc
            for doc in stored(10)
            if doc["group"] in groups and (seen is None or doc["seen"] == seen)
        ]
        assert sorted(d["_id"] for d in found) == sorted(d["_id"] for d in expected)
