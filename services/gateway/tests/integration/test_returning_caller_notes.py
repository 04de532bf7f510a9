"""A returning caller's earlier notes through the real gateway on the real servers
(Redis, the MongoDB-wire server: FerretDB v1 locally), over a large stored history: 20,000
stored records of two tenants (the caller's number in both), the caller's own 40 records
over 40 days (a quarter expired, not yet purged), one of the current session (a transfer),
work saved in each. The agent's list of 50 live calls from 10 callers and 900 ended tasks:

- the returning caller's live row counts 5 notes (the newest unexpired of other sessions
  of this tenant) and its detail lists them, newest first, with their codes and tags;
- the page costs one query per distinct live caller on stored context and, for the saves,
  one ``$in`` or one per earlier service session: never one per row, whatever is stored,
  and ended rows ask nothing; every one of those queries is answered by index;
- unprovisioning the service that stored them (the tenant admin's route) leaves no note.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from acw.store import ACW_SAVES
from context_service.adapters.stored_context import (
    STORED_CONTEXT,
    StoredContextStore,
    _document,
)
from context_service.domain import Caller, StoredContext
from gateway_service.testing import RunningGateway
from mysessions_platform.id_lookup import IdLookup, LookupMode
from mysessions_platform.mongo import Document
from pymongo.asynchronous.collection import AsyncCollection
from queue_service.adapters.store import SessionKey, SessionTasks
from queue_service.domain import Fact, FactKind, fold

from .live_changes import START, call, store

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NUMBER = "+41791234567"
CALLERS = [NUMBER] + [f"+4179000{n:04d}" for n in range(1, 10)]
NOW = datetime.now(UTC)


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """The conftest's gateway."""
    return {}


@pytest.fixture
def finds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Document, Any]]:
    """Every ``find`` (``find_one`` goes through it) on stored context and the saves in
    this process (the gateway runs in the test's event loop): collection, filter, sort."""
    seen: list[tuple[str, Document, Any]] = []
    original = AsyncCollection.find

    def recording(self: AsyncCollection[Any], *args: Any, **kwargs: Any) -> Any:
        cursor = original(self, *args, **kwargs)
        if self.name in (STORED_CONTEXT, ACW_SAVES):
            query = args[0] if args else kwargs.get("filter", {})
            seen.append((self.name, dict(query), cursor))
        return cursor

    monkeypatch.setattr(AsyncCollection, "find", recording)
    return seen


def _index_names(plan: object) -> Iterator[str]:
    """The names of the indexes a plan reads (MongoDB's ``indexName``, PostgreSQL's
    ``Index Name`` under FerretDB v1)."""
    if isinstance(plan, dict):
        for key, value in plan.items():
            if key in ("indexName", "Index Name") and isinstance(value, str):
                yield value
            else:
                yield from _index_names(value)
    elif isinstance(plan, list):
        for item in plan:
            yield from _index_names(item)


async def indexes_used(collection: AsyncCollection[Document], query: Document) -> str:
    """The index names in the server's plan of ``query``, joined: FerretDB names its
    PostgreSQL index after ours (``<collection>_caller_<hash>_idx``), so the name we gave
    is in it. Any index is not enough: the tenant's prefix of another would also do."""
    command = {"find": collection.name, "filter": query}
    explained = await collection.database.command("explain", command, verbosity="queryPlanner")
    return " ".join(_index_names(explained.get("queryPlanner", {})))


def live_call(tenant_id: str, user_id: str, session_id: str, number: str) -> SessionTasks:
    """A call from ``number`` offered to the agent and ringing (the queue's own fold)."""
    task: dict[str, object] = {
        "service_session_id": f"{session_id}:1",
        "user_session_id": f"{session_id}:1:{user_id}",
        "user_id": user_id,
    }
    facts = [
        Fact(
            event_id=f"{session_id}-0",
            kind=FactKind.SESSION_STARTED,
            at=START,
            tenant_id=tenant_id,
            session_id=session_id,
            direction="inbound",
            modality="voice",
            party_address=number,
            party_kind="pstn",
        ),
        Fact(
            event_id=f"{session_id}-1",
            kind=FactKind.TASK_OFFERED,
            at=START + timedelta(seconds=5),
            tenant_id=tenant_id,
            session_id=session_id,
            service_id="support",
            **task,  # type: ignore[arg-type]
        ),
    ]
    return SessionTasks(SessionKey(tenant_id, session_id), fold(facts), START)


def record(
    tenant_id: str, session_id: str, days_ago: float, number: str, service_id: str = "care"
) -> StoredContext:
    stored = NOW - timedelta(days=days_ago)
    return StoredContext(
        tenant_id=tenant_id,
        session_id=session_id,
        service_session_id=f"{session_id}:1",
        service_id=service_id,
        service_name=service_id.title(),
        left_at=stored - timedelta(seconds=2),
        left_how="ended",
        started_at=stored - timedelta(minutes=5),
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=Caller(address=number, address_kind="pstn"),
        parameters={},
        stored_at=stored,
        expires_at=stored + timedelta(days=30),
    )


def save(stored: StoredContext, tag: str) -> Document:
    return {
        "tenant_id": stored.tenant_id,
        "user_session_id": f"{stored.service_session_id}:ada",
        "session_id": stored.session_id,
        "service_session_id": stored.service_session_id,
        "user_id": "ada",
        "service_id": stored.service_id,
        "primary_code": {"id": "complaint", "label": "Complaint"},
        "secondary_code": None,
        "tags": [tag],
        "concluded_by": "user",
        "saved_by": "ada",
        "saved_at": stored.stored_at,
        "unfinished": False,
    }


def history() -> Iterator[StoredContext]:
    """20,000 records: 9,959 of other callers of acme, 10,000 of another tenant (our
    number among them), the caller's 40 of 40 days and one of the current session."""
    for n in range(9959):
        yield record("acme", f"noise-{n}", n % 29, f"+4178{n:07d}")
    for n in range(10000):
        yield record("other", f"o-{n}", n % 29, NUMBER if n % 10 == 0 else f"+4177{n:07d}")
    for day in range(40):
        yield record("acme", f"mine-{day}", day + 0.5, NUMBER)
    yield record("acme", "live-0", 0.01, NUMBER, service_id="triage")  # transferred from


async def test_a_page_of_live_calls_shows_the_returning_callers_notes_by_index(
    gateway: RunningGateway, finds: list[tuple[str, Document, Any]]
) -> None:
    resources = gateway.resources
    database = resources.database
    records = list(history())
    await StoredContextStore(database).ensure_indexes()
    for start in range(0, len(records), 2000):
        chunk = records[start : start + 2000]
        await database[STORED_CONTEXT].insert_many([_document(r) for r in chunk])
        await database[ACW_SAVES].insert_many([save(r, f"tag-{r.session_id}") for r in chunk])
    tasks = store(resources.redis, gateway.settings.queue_key_prefix)
    live = [live_call("acme", "alice", f"live-{n}", CALLERS[n % 10]) for n in range(50)]
    ended = [call("acme", "alice", f"ended-{n}", "ended") for n in range(900)]
    assert (await tasks.write(live + ended, NOW)).changed == 950
    headers = gateway.headers("acme", "alice")

    async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers, timeout=60) as client:
        finds.clear()
        listed = await client.get("/api/v1/tasks", params={"limit": 1000})
        page_finds = list(finds)
        finds.clear()
        detail = await client.get("/api/v1/tasks/live-0:1:alice")
        detail_finds = list(finds)

    assert listed.status_code == 200, listed.text
    counts = {
        i["user_session_id"]: i["caller"].get("earlier_notes") for i in listed.json()["items"]
    }
    assert {n for n in range(50) if counts[f"live-{n}:1:alice"] == 5} == set(range(0, 50, 10))
    assert all(counts[f"live-{n}:1:alice"] is None for n in range(50) if n % 10)
    assert all(counts[f"ended-{n}:1:alice"] is None for n in range(900))

    assert detail.status_code == 200, detail.text
    notes = detail.json()["earlier_notes"]
    assert [note["tags"] for note in notes] == [[f"tag-mine-{day}"] for day in range(5)]
    assert {note["primary_code"] for note in notes} == {"Complaint"}

    # Cost: one stored-context query per distinct live caller, the saves batched or one
    # per earlier service session; never per row. Each answered by index.
    batched = await IdLookup().detect(database[ACW_SAVES]) is LookupMode.BATCHED
    by_caller = [f for f in page_finds if f[0] == STORED_CONTEXT and "caller_key" in f[1]]
    saves = [f for f in page_finds if f[0] == ACW_SAVES and "service_session_id" in f[1]]
    assert len(by_caller) == len(CALLERS)
    # Only the returning caller has any: mine-0..4, and for the other live sessions of the
    # same number live-0's record too (another session to them).
    assert len(saves) == (1 if batched else 6)
    assert len([f for f in detail_finds if "caller_key" in f[1]]) == 1
    for name, query, _ in by_caller + saves:
        index = "caller" if name == STORED_CONTEXT else "by_service_session"
        assert index in await indexes_used(database[name], query), (name, sorted(query))

    # Unprovisioning the service that stored them leaves no note.
    admin = gateway.headers("acme", "root", ("tenant_admin",))
    async with httpx.AsyncClient(base_url=gateway.base_url, timeout=60) as client:
        erased = await client.post(
            "/api/v1/admin/unprovision",
            json={"scope": "service", "service_id": "care", "confirm": "care"},
            headers=admin,
        )
        assert erased.status_code == 200, erased.text
        after = await client.get("/api/v1/tasks/live-0:1:alice", headers=headers)
    assert after.json()["earlier_notes"] == []
    assert "earlier_notes" not in after.json()["task"]["caller"]
