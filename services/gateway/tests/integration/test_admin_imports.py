"""Tenant admins' address-book and directory uploads through the real gateway, into real
MongoDB: the CLI's report (counts, rejected rows by number and column, never values), the
file refused whole, a dry run, the token's tenant only, a hostile file at the maximum size
parsed without holding the event loop, and a larger one refused at the edge, unread."""

import asyncio
import gc
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from context_service.adapters.address_book import MongoAddressBook
from context_service.adapters.directory import MongoDirectory
from context_service.contacts_import import parse_bytes
from gateway_service.auth.principal import Role
from gateway_service.testing import RunningGateway
from mysessions_platform.collector import settle_after_start_up

pytestmark = pytest.mark.integration

CONTACTS = "/api/v1/admin/imports/contacts"
DIRECTORY = "/api/v1/admin/imports/directory"
CSV = {"Content-Type": "text/csv"}
MAX_BYTES = 8 * 1024 * 1024  # GATEWAY_MAX_IMPORT_BYTES' default, as documented
TICK_S = 0.01

BOOK = (
    "id,display_name,company,phones,emails\r\n"
    "jane,Jane Doe,ACME AG,+41446681800,jane@acme.example\r\n"
    "john,John Roe,,+41 44 000 00 00;not-a-number,\r\n"  # row 3: phones rejected
    "ann,,,+41446681801,\r\n"  # row 4: no name
    "bob,Bob,,,bob@acme.example\r\n"
)


def client(gateway: RunningGateway, tenant: str = "acme", *roles: Role) -> httpx.AsyncClient:
    headers = gateway.headers(tenant, "ada", roles or ("tenant_admin",), ("sales",))
    return httpx.AsyncClient(base_url=gateway.base_url, headers=headers, timeout=120)


async def contacts_of(gateway: RunningGateway, tenant: str) -> dict[str, Any]:
    book = MongoAddressBook(gateway.resources.database).collection
    return {
        doc["contact_id"]: doc
        async for doc in book.find({"tenant_id": tenant}, {"_id": 0, "tenant_id": 0})
    }


async def test_an_upload_is_imported_and_reported_like_the_cli(gateway: RunningGateway) -> None:
    async with client(gateway) as admin:
        dry = await admin.post(CONTACTS, params={"dry_run": "true"}, content=BOOK, headers=CSV)
        assert dry.status_code == 200, dry.text
        assert await contacts_of(gateway, "acme") == {}  # a dry run writes nothing
        first = await admin.post(CONTACTS, content=BOOK, headers=CSV)
        again = await admin.post(CONTACTS, content=BOOK.replace("John Roe", "J. Roe"), headers=CSV)
    report = first.json()
    assert dry.json() == {**report, "dry_run": True}
    assert {k: report[k] for k in ("imported", "updated", "unchanged", "rejected")} == {
        "imported": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 2,
    }
    assert report["rejected_rows"] == [
        {"row": 3, "reason": "phones: not a phone number (no region given: write it with +)"},
        {"row": 4, "reason": "display_name: missing (a contact needs a name or a company)"},
    ]
    assert "not-a-number" not in first.text
    assert "+41" not in first.text
    assert (again.json()["imported"], again.json()["unchanged"]) == (0, 2)
    stored = await contacts_of(gateway, "acme")
    assert stored["jane"]["phones"] == ["+41446681800"]
    assert set(stored) == {"jane", "bob"}


async def test_a_directory_upload_uses_the_directory_columns_and_region(
    gateway: RunningGateway,
) -> None:
    directory = "upn,display_name,phone\r\nAda@ACME.example,Ada Lovelace,044 668 18 00\r\n"
    async with client(gateway) as admin:
        answer = await admin.post(
            DIRECTORY, params={"region": "ch"}, content=directory, headers=CSV
        )
        assert answer.status_code == 200, answer.text
        wrong_region = await admin.post(
            DIRECTORY, params={"region": "XX"}, content=directory, headers=CSV
        )
    assert answer.json()["imported"] == 1
    assert wrong_region.status_code == 422
    assert wrong_region.json()["detail"][0]["loc"] == ["query", "region"]
    users = MongoDirectory(gateway.resources.database).collection
    found = await users.find_one({"tenant_id": "acme"}, {"_id": 0})
    assert found is not None
    assert (found["upn"], found["phone"]) == ("ada@acme.example", "+41446681800")


async def test_a_file_refused_whole_writes_nothing(gateway: RunningGateway) -> None:
    too_many = "id,display_name,emails\r\n" + "".join(
        f"c{n},C {n},c{n}@x.example\r\n" for n in range(100_001)
    )
    cases = {
        "unknown columns 3": b"id,display_name,secret_column\r\nx,X,1\r\n",
        "not UTF-8": "id,display_name,emails\r\nx,Zo\xeb,z@x.example\r\n".encode("latin-1"),
        "more than 100000 rows": too_many.encode(),
        "empty": b"",
    }
    async with client(gateway) as admin:
        for expected, body in cases.items():
            answer = await admin.post(CONTACTS, content=body, headers=CSV)
            assert answer.status_code == 422, (expected, answer.text)
            problem = answer.json()["detail"][0]
            assert problem["loc"] == ["body", "file"]
            assert expected in problem["msg"]
            assert "nothing imported" in problem["msg"]
            assert "secret_column" not in answer.text
    assert await contacts_of(gateway, "acme") == {}


async def test_only_the_tokens_tenant_is_written_and_others_are_refused(
    gateway: RunningGateway,
) -> None:
    async with (
        client(gateway, "globex") as globex,
        client(gateway, "acme", "service_owner", "agent") as owner,
    ):
        assert (await owner.post(CONTACTS, content=BOOK, headers=CSV)).status_code == 403
        assert (await globex.post(CONTACTS, content=BOOK, headers=CSV)).status_code == 200
    assert await contacts_of(gateway, "acme") == {}
    assert set(await contacts_of(gateway, "globex")) == {"jane", "bob"}


def hostile(max_bytes: int) -> bytes:
    """A file of exactly ``max_bytes`` an attacker might send: formulas, quoted line breaks,
    non-ASCII, over-long cells, bad addresses, rows of the wrong width; one row in a
    thousand valid."""
    header = "id,display_name,company,street,city,postal_code,country,phones,emails\r\n"
    rows = [
        '"r{n}","=HYPERLINK(""http://evil.example/{n}"")","@SUM(1)","a\r\nb {p}",,,,,"x"\r\n',
        'r{n},"Zoë ✓ {p}",,,,,,,"a@b;c"\r\n',
        'r{n},"{long}",,,,,,,"x@example.com"\r\n',
        "r{n},\"+cmd|' /C calc'!A0 {p}\",,,,,,,\r\n",
        'r{n},"too",many,cells,,,,,,,,,,,,"{p}"\r\n',
    ]
    out, size, n = [header], len(header), 0
    while True:
        if n % 1000 == 0:
            row = f"v{n},Valid {n},,,,,,,v{n}@example.com\r\n"
        else:
            row = rows[n % len(rows)].format(n=n, p="P" * 40, long="L" * 300)
        if size + len(row.encode()) > max_bytes:
            break
        out.append(row)
        size += len(row.encode())
        n += 1
    body = "".join(out).encode()
    return body + b"\r\n" * ((max_bytes - len(body)) // 2) + b" " * ((max_bytes - len(body)) % 2)


@pytest.mark.slow
async def test_a_hostile_file_at_the_maximum_size_is_parsed_off_the_event_loop(
    gateway: RunningGateway,
) -> None:
    body = hostile(MAX_BYTES)
    assert len(body) == MAX_BYTES
    # The gateway runs on this test's event loop (``running_gateway``): a ticker on it
    # measures how long the loop was held at once while the file was parsed.
    stop = asyncio.Event()

    async def longest_hold() -> float:
        held = 0.0
        while not stop.is_set():
            started = time.monotonic()
            await asyncio.sleep(TICK_S)
            held = max(held, time.monotonic() - started - TICK_S)
        return held

    threshold = gc.get_threshold()
    settle_after_start_up()  # as the gateway's process does (``gateway_service.__main__``)
    ticker = asyncio.create_task(longest_hold())
    try:
        async with client(gateway) as admin:
            answer = await admin.post(CONTACTS, content=body, headers=CSV)
    finally:
        stop.set()
        gc.unfreeze()
        gc.set_threshold(*threshold)
    held = await ticker
    assert answer.status_code == 200, answer.text[:500]
    report = answer.json()
    assert report["imported"] == body.count(b"\r\nv") > 50  # the valid rows only
    assert report["rejected"] > 50_000
    assert len(report["rejected_rows"]) == 200
    for leaked in ("evil.example", "calc", "Zoë", "LLLL", "PPPP", "@SUM"):
        assert leaked not in answer.text
    # Parsed on the loop, the loop would be held as long as a parse takes; in a thread it is
    # held only by garbage collections and the GIL's hand-overs. Measured against a parse
    # now, on this machine, so a loaded machine slows both alike.
    started = time.monotonic()
    parse_bytes(body, "contacts", None)
    parse_s = time.monotonic() - started
    assert held < parse_s / 2, f"the event loop was held {held:.2f} s of a {parse_s:.2f} s parse"


async def test_a_larger_upload_is_refused_at_the_edge_and_nothing_is_written(
    gateway: RunningGateway,
) -> None:
    too_large = BOOK.encode() + b"\r\n" * (MAX_BYTES // 2)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for at in range(0, len(too_large), 65536):
            yield too_large[at : at + 65536]

    async with client(gateway) as admin:
        declared = await admin.post(CONTACTS, content=too_large, headers=CSV)
        streamed = await admin.post(CONTACTS, content=chunks(), headers=CSV)
        # The rest of the API keeps its own, smaller limit.
        settings = await admin.put("/api/v1/admin/tenant-settings", content=b" " * 300_000)
    for refused in (declared, streamed):
        assert refused.status_code == 413
        assert refused.json() == {"detail": f"the request body exceeds {MAX_BYTES} bytes"}
    assert settings.status_code == 413
    assert await contacts_of(gateway, "acme") == {}
