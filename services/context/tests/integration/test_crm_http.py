"""The CRM client against a real local HTTP server that answers, hangs or fails."""

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest
import structlog
from context_service.adapters.address_book import MongoAddressBook
from context_service.adapters.crm import CrmConfig, HttpCrm
from context_service.adapters.directory import MongoDirectory
from context_service.adapters.upsert import upsert_documents
from context_service.domain import Caller, resolve_caller
from mysessions_platform.testing.mongo_databases import MongoDatabases

pytestmark = pytest.mark.integration

TENANT = "tenant-crm"
KNOWN = "+41446681800"
ANSWER = {"display_name": "Jane Doe", "company": "ACME AG", "city": "Zurich", "extra": 1}


class FakeCrmServer:
    """``/ok/<address>`` answers JSON (404 unless the address is KNOWN), ``/hang/…`` never
    answers, ``/drip/…`` sends its headers, then a byte every 50 ms forever (no single read
    waits long: only a total deadline stops it), ``/fail/…`` answers 500. Counts requests
    per route."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.release = threading.Event()
        self.hanging = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route, _, address = urlsplit(self.path).path.strip("/").partition("/")
                server.hits[route] += 1
                if route == "hang":
                    server.hanging.set()
                    server.release.wait()
                    return
                if route == "drip":
                    self.send_response(200)
                    self.end_headers()
                    while not server.release.wait(0.05):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    return
                if route == "fail":
                    self._send(500, b"boom")
                elif unquote(address) == KNOWN:
                    self._send(200, json.dumps(ANSWER).encode())
                else:
                    self._send(404, b"")

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def template(self, route: str) -> str:
        return f"{self.base}/{route}/{{system.caller}}"


@pytest.fixture
def crm_server() -> Iterator[FakeCrmServer]:
    server = FakeCrmServer()
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.httpd.shutdown()
        server.httpd.server_close()
        thread.join(5)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Nowhere:
    """An empty address book and directory."""

    async def find(self, *_: Any) -> Caller | None:
        return None


async def resolve(crm: HttpCrm, address: str) -> Caller:
    nowhere = Nowhere()
    resolution = await resolve_caller(
        TENANT, address, "pstn", address_book=nowhere, directory=nowhere, crm=crm
    )
    return resolution.caller


async def test_an_answer_fills_the_caller_and_is_cached(
    crm_server: FakeCrmServer, http: httpx.AsyncClient
) -> None:
    crm = HttpCrm(http, lambda _tenant: crm_server.template("ok"))
    caller = await resolve(crm, KNOWN)
    assert (caller.source, caller.display_name, caller.company, caller.city) == (
        "crm",
        "Jane Doe",
        "ACME AG",
        "Zurich",
    )
    assert caller.address == KNOWN
    assert await resolve(crm, KNOWN) == caller
    assert crm_server.hits["ok"] == 1, "the second lookup came from the cache"


async def test_not_known_is_anonymous_and_cached_too(
    crm_server: FakeCrmServer, http: httpx.AsyncClient
) -> None:
    crm = HttpCrm(http, lambda _tenant: crm_server.template("ok"))
    for _ in range(3):
        assert await resolve(crm, "+41446681899") == Caller(
            address="+41446681899", address_kind="pstn"
        )
    assert crm_server.hits["ok"] == 1
    assert crm.breaker(TENANT).state == "closed", "not knowing a caller is no failure"


async def test_a_hanging_crm_times_out_to_anonymous_then_the_circuit_opens(
    crm_server: FakeCrmServer, http: httpx.AsyncClient
) -> None:
    config = CrmConfig(timeout_s=0.3, failure_threshold=2, cool_down_s=30)
    crm = HttpCrm(http, lambda _tenant: crm_server.template("hang"), config)
    for n in range(2):
        started = time.monotonic()
        caller = await resolve(crm, f"+4144668180{n}")
        assert caller == Caller(address=f"+4144668180{n}", address_kind="pstn")
        assert 0.25 < time.monotonic() - started < 2
    assert crm.breaker(TENANT).state == "open"
    started = time.monotonic()
    assert (await resolve(crm, KNOWN)).is_anonymous
    assert time.monotonic() - started < 0.1, "an open circuit answers at once"
    assert crm_server.hits["hang"] == 2


async def test_a_tenants_own_crm_timeout_wins_over_the_default(
    crm_server: FakeCrmServer, http: httpx.AsyncClient
) -> None:
    crm = HttpCrm(
        http,
        lambda _tenant: crm_server.template("hang"),
        CrmConfig(timeout_s=30.0),
        timeout_for=lambda tenant: 0.3 if tenant == TENANT else None,
    )
    started = time.monotonic()
    assert (await resolve(crm, KNOWN)).is_anonymous
    assert time.monotonic() - started < 5, "the tenant's 0.3 s, not the default 30 s"


async def test_a_crm_answering_too_slowly_hits_the_total_deadline(
    crm_server: FakeCrmServer, http: httpx.AsyncClient
) -> None:
    crm = HttpCrm(http, lambda _tenant: crm_server.template("drip"), CrmConfig(timeout_s=0.5))
    started = time.monotonic()
    assert await resolve(crm, KNOWN) == Caller(address=KNOWN, address_kind="pstn")
    assert 0.45 < time.monotonic() - started < 1.5
    assert crm_server.hits["drip"] == 1


async def test_a_failing_crm_opens_the_circuit_and_a_probe_closes_it(
    crm_server: FakeCrmServer, http: httpx.AsyncClient
) -> None:
    route = {"now": "fail"}
    clock = Clock()
    config = CrmConfig(failure_threshold=3, cool_down_s=30, cache_ttl_s=0)
    crm = HttpCrm(http, lambda _tenant: crm_server.template(route["now"]), config, clock)
    with structlog.testing.capture_logs() as logs:
        for _ in range(5):
            assert await resolve(crm, KNOWN) == Caller(address=KNOWN, address_kind="pstn")
    assert crm_server.hits["fail"] == 3, "after 3 failures the CRM is not asked any more"
    assert [log["reason"] for log in logs] == ["the CRM answered HTTP 500"] * 3
    assert KNOWN not in repr(logs)
    assert "41446681800" not in repr(logs)

    route["now"] = "ok"
    clock.now += 29
    assert (await resolve(crm, KNOWN)).is_anonymous
    assert crm_server.hits["ok"] == 0
    clock.now += 1
    assert (await resolve(crm, KNOWN)).source == "crm", "the half-open probe went through"
    assert crm.breaker(TENANT).state == "closed"


async def test_a_tenant_without_a_crm_is_not_looked_up(http: httpx.AsyncClient) -> None:
    crm = HttpCrm(http, lambda _tenant: None)
    assert (await resolve(crm, KNOWN)).is_anonymous


async def test_while_the_crm_hangs_callers_in_the_address_book_resolve_at_full_speed(
    crm_server: FakeCrmServer, http: httpx.AsyncClient, mongo_databases: MongoDatabases
) -> None:
    database = mongo_databases.create("ctx")
    # Generous database deadlines: on a loaded machine 200 lookups queue up at the server;
    # what matters is that none of them waits for the CRM's (longer) timeout.
    book = MongoAddressBook(database, region="CH", timeout_s=10.0)
    directory = MongoDirectory(database, timeout_s=10.0)
    await book.ensure_indexes()
    numbers = [f"+4144668{n:04d}" for n in range(200)]
    await upsert_documents(
        book.collection,
        TENANT,
        "contact_id",
        {
            f"c{n}": {"contact_id": f"c{n}", "display_name": f"C{n}", "phones": [number]}
            for n, number in enumerate(numbers)
        },
    )
    timeout_s = 30.0
    config = CrmConfig(timeout_s=timeout_s, failure_threshold=1)
    crm = HttpCrm(http, lambda _tenant: crm_server.template("hang"), config)

    async def one(address: str) -> Caller:
        resolution = await resolve_caller(
            TENANT, address, "pstn", address_book=book, directory=directory, crm=crm
        )
        return resolution.caller

    hanging = asyncio.create_task(one("+41446689999"))
    assert await asyncio.to_thread(crm_server.hanging.wait, 5), "the CRM was never asked"
    started = time.monotonic()
    callers = await asyncio.gather(*(one(number) for number in numbers))
    elapsed = time.monotonic() - started
    assert [c.display_name for c in callers] == [f"C{n}" for n in range(200)]
    assert {c.source for c in callers} == {"address_book"}
    assert not hanging.done(), "the hanging lookup was still in flight all along"
    assert elapsed < timeout_s / 2, f"200 address-book callers took {elapsed:.2f}s"
    hanging.cancel()  # how a hang ends in "Anonymous" is the test above; no need to wait here
    with pytest.raises(asyncio.CancelledError):
        await hanging
    assert crm.breaker(TENANT).state == "closed", "a cancelled lookup is not the CRM's failure"
