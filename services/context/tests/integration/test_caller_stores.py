"""The address book and the directory on the MongoDB-wire server, with the resolution."""

import asyncio
import gc
import socket
import time
import warnings
from typing import Any

import httpx
import pytest
from context_service.adapters.address_book import CONTACTS, MongoAddressBook
from context_service.adapters.directory import MongoDirectory
from context_service.adapters.upsert import upsert_documents
from context_service.caller_resolver import ensure_caller_indexes, make_caller_resolver
from context_service.domain import Caller, resolve_caller
from contracts import Party
from mysessions_platform.testing.mongo_databases import MongoDatabases
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

pytestmark = pytest.mark.integration

ANNA = {
    "contact_id": "c1",
    "display_name": "Anna Muster",
    "company": "ACME AG",
    "street": "Bahnhofstrasse 1",
    "city": "Zurich",
    "postal_code": "8001",
    "country": "CH",
    "phones": ["+41446681800", "+41791234567"],
    "emails": ["anna@acme.example"],
}
BOSS = {
    "upn": "boss@tenant.example",
    "display_name": "The Boss",
    "email": "boss@tenant.example",
}


class NoCrm:
    async def lookup(self, tenant: str, address: str) -> Caller | None:
        return None


async def stores(
    mongo_databases: MongoDatabases,
) -> tuple[MongoAddressBook, MongoDirectory]:
    database = mongo_databases.create("ctx")
    book, directory = MongoAddressBook(database, region="CH"), MongoDirectory(database)
    await book.ensure_indexes()
    await directory.ensure_indexes()
    await upsert_documents(book.collection, "tenant-a", "contact_id", {"c1": ANNA})
    await upsert_documents(directory.collection, "tenant-a", "upn", {BOSS["upn"]: BOSS})
    return book, directory


async def test_contacts_are_found_by_any_number_in_any_form(
    mongo_databases: MongoDatabases,
) -> None:
    book, _ = await stores(mongo_databases)
    for delivered in ("+41446681800", "41446681800", "0446681800", "+41791234567"):
        caller = await book.find("tenant-a", delivered, "pstn")
        assert caller is not None, delivered
        assert (caller.display_name, caller.city, caller.address) == (
            "Anna Muster",
            "Zurich",
            delivered,
        )
    assert await book.find("tenant-a", "+41446681801", "pstn") is None


async def test_contacts_are_found_by_e_mail_whatever_the_case(
    mongo_databases: MongoDatabases,
) -> None:
    book, _ = await stores(mongo_databases)
    caller = await book.find("tenant-a", "Anna@ACME.example", "email")
    assert caller is not None
    assert (caller.email, caller.phone) == ("anna@acme.example", "+41446681800")


async def test_tenants_do_not_see_each_others_contacts(mongo_databases: MongoDatabases) -> None:
    book, directory = await stores(mongo_databases)
    assert await book.find("tenant-b", "+41446681800", "pstn") is None
    assert await directory.find("tenant-b", BOSS["upn"]) is None


async def test_one_contact_per_tenant_and_id(mongo_databases: MongoDatabases) -> None:
    book, directory = await stores(mongo_databases)
    with pytest.raises(DuplicateKeyError):
        await book.collection.insert_one({"tenant_id": "tenant-a", "contact_id": "c1"})
    with pytest.raises(DuplicateKeyError):
        await directory.collection.insert_one({"tenant_id": "tenant-a", "upn": BOSS["upn"]})
    await book.collection.insert_one({"tenant_id": "tenant-b", "contact_id": "c1"})


async def test_the_resolution_order_on_the_real_stores(mongo_databases: MongoDatabases) -> None:
    book, directory = await stores(mongo_databases)

    async def resolve(address: str, kind: str) -> Caller:
        assert kind in ("pstn", "upn")
        resolution = await resolve_caller(
            "tenant-a",
            address,
            "pstn" if kind == "pstn" else "upn",
            address_book=book,
            directory=directory,
            crm=NoCrm(),
        )
        return resolution.caller

    assert (await resolve("+41446681800", "pstn")).source == "address_book"
    boss = await resolve("BOSS@tenant.example", "upn")
    assert (boss.source, boss.display_name, boss.address) == (
        "directory",
        "The Boss",
        "BOSS@tenant.example",
    )
    assert boss.for_storage() == Caller(
        address="BOSS@tenant.example", address_kind="upn", source="directory"
    )
    assert await resolve("stranger@else.example", "upn") == Caller(
        address="stranger@else.example", address_kind="upn"
    )


async def test_the_wired_resolver_takes_the_contracts_party(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("ctx")
    await ensure_caller_indexes(database)
    await upsert_documents(database[CONTACTS], "tenant-a", "contact_id", {"c1": ANNA})
    async with httpx.AsyncClient() as http:
        resolver = make_caller_resolver(database, http, lambda _tenant: None, region="CH")
        known = await resolver.resolve_party(
            "tenant-a", Party(address="0446681800", address_kind="pstn")
        )
        unknown = await resolver.resolve_party(
            "tenant-a", Party(address="+41446681899", address_kind="pstn")
        )
    assert (known.source, known.display_name, known.address) == (
        "address_book",
        "Anna Muster",
        "0446681800",
    )
    assert unknown == Caller(address="+41446681899", address_kind="pstn")
    indexes = await database[CONTACTS].index_information()
    assert {"tenant_contact_id", "tenant_phones", "tenant_emails"} <= set(indexes)


async def test_an_unreachable_database_degrades_to_anonymous_quickly() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        f"mongodb://127.0.0.1:{port}/", connectTimeoutMS=200
    )
    try:
        database = client["nowhere"]
        book, directory = MongoAddressBook(database, timeout_s=0.3), MongoDirectory(database, 0.3)
        started = time.monotonic()
        resolution = await resolve_caller(
            "tenant-a",
            "boss@tenant.example",
            "upn",
            address_book=book,
            directory=directory,
            crm=NoCrm(),
        )
        elapsed = time.monotonic() - started
    finally:
        await client.close()
        # A connection attempt cut short by the deadline may leave its socket to the
        # garbage collector (PyMongo's async client); let its tasks finish and collect it
        # here, not as a warning in whichever test runs next.
        await asyncio.sleep(1.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
    assert resolution.caller == Caller(address="boss@tenant.example", address_kind="upn")
    assert resolution.failed == ("address_book", "directory")
    assert elapsed < 2, f"took {elapsed:.2f}s"
