"""On the real servers, the list shows and searches the caller the context service
resolved: a live call's from its live context in Redis (a page of 1,000 live calls is one
read of the live contexts, never one per row), an ended task's stored directory caller
looked up again in the directory when shown (its record keeps only the address), the
directory read batched per page like the stored records (``test_history_one_query.py``)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from context_service.adapters.directory import DIRECTORY_USERS, MongoDirectory
from context_service.adapters.live_store import LiveContexts, LiveContextStore
from context_service.adapters.stored_context import StoredContextStore
from context_service.domain import Caller, LiveContext, StoredContext
from gateway_service.testing import RunningGateway
from mysessions_platform.id_lookup import IdLookup, LookupMode
from pymongo.asynchronous.collection import AsyncCollection
from queue_service.adapters.store import SessionTasks

from .live_changes import call, store, user_session_id

pytestmark = pytest.mark.integration

LIVE = 1000


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """The conftest's gateway."""
    return {}


@pytest.fixture
def live_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many sessions each read of the live contexts asked for (the gateway runs in the
    test's event loop)."""
    reads: list[int] = []
    original = LiveContexts.load_many

    async def counting(self: LiveContexts, sessions: Any) -> Any:
        reads.append(len(sessions))
        return await original(self, sessions)

    monkeypatch.setattr(LiveContexts, "load_many", counting)
    return reads


@pytest.fixture
def directory_finds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    finds: list[str] = []
    original = AsyncCollection.find

    def counting(self: AsyncCollection[Any], *args: Any, **kwargs: Any) -> Any:
        if self.name == DIRECTORY_USERS:
            finds.append(self.database.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncCollection, "find", counting)
    return finds


def resolved(session_id: str, n: int) -> LiveContext:
    return LiveContext(
        tenant_id="acme",
        session_id=session_id,
        caller_address=f"+4144{n:07d}",
        caller_kind="pstn",
        caller=Caller(
            address=f"+4144{n:07d}",
            address_kind="pstn",
            source="address_book",
            display_name=f"Customer {n:04d}",
            company="Contoso AG",
        ),
    )


async def test_live_rows_show_and_search_the_resolved_caller_in_one_read_per_page(
    gateway: RunningGateway, live_reads: list[int]
) -> None:
    resources = gateway.resources
    prefix = gateway.settings.queue_key_prefix
    now = datetime.now(UTC)
    sessions = [f"live-{n}" for n in range(LIVE)]
    written = await store(resources.redis, prefix).write(
        [call("acme", "alice", s, "connected") for s in sessions], now
    )
    assert written.changed == LIVE
    contexts = LiveContextStore(resources.redis, prefix, timedelta(hours=1), timedelta(hours=1))
    await contexts.write_many([resolved(s, n) for n, s in enumerate(sessions)], [])

    async with httpx.AsyncClient(
        base_url=gateway.base_url, headers=gateway.headers("acme", "alice"), timeout=60
    ) as client:
        live_reads.clear()
        whole = await client.get("/api/v1/tasks", params={"limit": LIVE})
        page_reads = list(live_reads)
        live_reads.clear()
        search = await client.get("/api/v1/tasks", params={"q": "customer 0999"})
        search_reads = list(live_reads)

    assert whole.status_code == 200, whole.text
    callers = {item["session_id"]: item["caller"] for item in whole.json()["items"]}
    assert len(callers) == LIVE
    assert callers["live-7"] == {
        "display_name": "Customer 0007",
        "address": "+41440000007",
        "company": "Contoso AG",
        "source": "address_book",
    }
    assert page_reads == [LIVE]  # one read of the whole page's live contexts
    assert search.status_code == 200, search.text
    assert [item["user_session_id"] for item in search.json()["items"]] == [
        user_session_id("live-999", "alice")
    ]
    assert search_reads == [LIVE]


def stored_directory_caller(session_id: str, upn: str, now: datetime) -> StoredContext:
    """A record as the context worker stores a directory match: the address and source
    only (``Caller.for_storage``)."""
    return StoredContext(
        tenant_id="acme",
        session_id=session_id,
        service_session_id=f"{session_id}:1",
        service_id="support",
        service_name="Support",
        left_at=now - timedelta(minutes=1),
        left_how="ended",
        started_at=None,
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=Caller(address=upn, address_kind="upn", source="directory").for_storage(),
        parameters={},
        stored_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(days=30),
    )


async def test_history_shows_directory_callers_looked_up_again_never_stored(
    gateway: RunningGateway, directory_finds: list[str]
) -> None:
    resources = gateway.resources
    now = datetime.now(UTC)
    upns = [f"user{n}@acme.example" for n in range(3)]
    sessions = [f"ended-{n}" for n in range(3)]
    tasks = store(resources.redis, gateway.settings.queue_key_prefix)
    await tasks.write([call("acme", "alice", s, "ended") for s in sessions], now)
    await StoredContextStore(resources.database).insert(
        [stored_directory_caller(s, upn, now) for s, upn in zip(sessions, upns, strict=True)]
    )
    directory = MongoDirectory(resources.database)
    await directory.collection.insert_many(
        [
            {"tenant_id": "acme", "upn": upn, "display_name": f"Dana {n}", "company": "Acme"}
            for n, upn in enumerate(upns)
        ]
    )

    async with httpx.AsyncClient(
        base_url=gateway.base_url, headers=gateway.headers("acme", "alice"), timeout=60
    ) as client:
        directory_finds.clear()
        page = await client.get("/api/v1/tasks")
        finds = len(directory_finds)
        search = await client.get("/api/v1/tasks", params={"q": "dana 2"})

    assert page.status_code == 200, page.text
    callers = {item["session_id"]: item["caller"] for item in page.json()["items"]}
    assert callers["ended-1"] == {
        "display_name": "Dana 1",
        "address": "user1@acme.example",
        "company": "Acme",
        "source": "directory",
    }
    one_query = await IdLookup().detect(directory.collection) is LookupMode.BATCHED
    assert finds == (1 if one_query else len(upns))
    assert [item["session_id"] for item in search.json()["items"]] == ["ended-2"]
    # The directory's data is shown, never stored: the record keeps the address only.
    [record] = await StoredContextStore(resources.database).for_session(
        "acme", "ended-1", now, "support"
    )
    assert record.caller is not None
    assert record.caller.display_name is None


def kept_upn(session_id: str, upn: str) -> SessionTasks:
    """An ended call of one of the tenant's own users, as the queue keeps it: the UPN and
    its kind only (``queue_service.domain.privacy.kept_address``)."""
    tasks = call("acme", "alice", session_id, "ended")
    kept = [replace(t, caller_address=upn, caller_kind="upn") for t in tasks.tasks]
    assert all(t.state == "ended" and t.caller_display_name is None for t in kept)
    return replace(tasks, tasks=kept)


async def test_history_names_directory_callers_a_service_stored_nothing_of_in_the_same_query(
    gateway: RunningGateway, directory_finds: list[str]
) -> None:
    """The documentation's B: no record, but the queue kept the UPN of the tenant's own
    user, so the name the directory has now is shown; looked up in the same directory
    query as the page's stored directory callers. A UPN the directory no longer knows, and
    a customer's call, show "Not Available", no address."""
    resources = gateway.resources
    now = datetime.now(UTC)
    tasks = store(resources.redis, gateway.settings.queue_key_prefix)
    await tasks.write(
        [
            call("acme", "alice", "stored", "ended"),
            kept_upn("not-stored", "John.Doe@acme.example"),
            kept_upn("gone", "gone@acme.example"),
            call("acme", "alice", "customer", "ended"),
        ],
        now,
    )
    await StoredContextStore(resources.database).insert(
        [stored_directory_caller("stored", "dana@acme.example", now)]
    )
    directory = MongoDirectory(resources.database)
    await directory.collection.insert_many(
        [
            {"tenant_id": "acme", "upn": "dana@acme.example", "display_name": "Dana"},
            {"tenant_id": "acme", "upn": "john.doe@acme.example", "display_name": "John Doe"},
            {"tenant_id": "other", "upn": "gone@acme.example", "display_name": "Not Ours"},
        ]
    )

    async with httpx.AsyncClient(
        base_url=gateway.base_url, headers=gateway.headers("acme", "alice"), timeout=60
    ) as client:
        directory_finds.clear()
        page = await client.get("/api/v1/tasks")
        finds = len(directory_finds)
        detail = await client.get(f"/api/v1/tasks/{user_session_id('not-stored', 'alice')}")

    assert page.status_code == 200, page.text
    callers = {item["session_id"]: item["caller"] for item in page.json()["items"]}
    assert callers == {
        "stored": {"display_name": "Dana", "address": "dana@acme.example", "source": "directory"},
        "not-stored": {
            "display_name": "John Doe",
            "address": "John.Doe@acme.example",
            "source": "directory",
        },
        "gone": {"display_name": "Not Available", "address": None},
        "customer": {"display_name": "Not Available", "address": None},
    }
    assert "gone@acme.example" not in page.text
    one_query = await IdLookup().detect(directory.collection) is LookupMode.BATCHED
    assert finds == (1 if one_query else 3)  # dana, john.doe, gone: never one per row
    assert detail.status_code == 200, detail.text
    assert detail.json()["task"]["caller"]["display_name"] == "John Doe"
