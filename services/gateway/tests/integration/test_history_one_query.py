"""A list request of 1,000 ended tasks reads their stored callers in one query where the
server plans an ``$in`` by index (MongoDB), whether the page is the whole history or a
search (``q``) looks at every ended task: the list used to make one query per ended task
(1,000 round trips for one request). Where the server plans no ``$in`` (FerretDB v1, the
local default) that one query read every record the tenant stored in 30 days, so there it
is one query per session, each by index: as many as the page's sessions, whatever else
is stored (``test_stored_context_batched.py`` explains them)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from context_service.adapters.stored_context import STORED_CONTEXT, StoredContextStore
from context_service.domain import Caller, StoredContext
from gateway_service.testing import RunningGateway
from mysessions_platform.id_lookup import IdLookup, LookupMode
from pymongo.asynchronous.collection import AsyncCollection

from .live_changes import call, store

pytestmark = pytest.mark.integration

ENDED = 1000


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """The conftest's gateway."""
    return {}


@pytest.fixture
def stored_context_finds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every ``find`` on the stored context collection in this process (the gateway runs in
    the test's event loop), by the collection's database."""
    finds: list[str] = []
    original = AsyncCollection.find

    def counting(self: AsyncCollection[Any], *args: Any, **kwargs: Any) -> Any:
        if self.name == STORED_CONTEXT:
            finds.append(self.database.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncCollection, "find", counting)
    return finds


def stored(session_id: str, n: int, now: datetime) -> StoredContext:
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
        caller=Caller(address=f"+4144{n:07d}", address_kind="pstn", source="address_book"),
        parameters={},
        stored_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(days=30),
    )


async def test_a_thousand_ended_tasks_cost_one_query_or_one_per_session_per_list_request(
    gateway: RunningGateway, stored_context_finds: list[str]
) -> None:
    resources = gateway.resources
    now = datetime.now(UTC)
    sessions = [f"s-{n}" for n in range(ENDED)]
    tasks = store(resources.redis, gateway.settings.queue_key_prefix)
    written = await tasks.write([call("acme", "alice", s, "ended") for s in sessions], now)
    assert written.changed == ENDED
    await StoredContextStore(resources.database).insert(
        [stored(s, n, now) for n, s in enumerate(sessions)]
    )
    headers = gateway.headers("acme", "alice")

    async with httpx.AsyncClient(base_url=gateway.base_url, headers=headers, timeout=60) as client:
        stored_context_finds.clear()
        whole = await client.get("/api/v1/tasks", params={"limit": ENDED})
        page_finds = len(stored_context_finds)
        stored_context_finds.clear()
        search = await client.get("/api/v1/tasks", params={"limit": 10, "q": "0000999"})
        search_finds = len(stored_context_finds)

    assert whole.status_code == 200, whole.text
    items = whole.json()["items"]
    assert len(items) == ENDED
    assert {item["caller"]["address"] for item in items} == {f"+4144{n:07d}" for n in range(ENDED)}
    # How the gateway reads a page: detected from the same server's plan of an ``$in``.
    one_query = await IdLookup().detect(resources.database[STORED_CONTEXT]) is LookupMode.BATCHED
    assert page_finds == (1 if one_query else ENDED)
    assert search.status_code == 200, search.text
    assert search.json()["total"] == 1  # +41440000999 only
    assert search_finds == (1 if one_query else ENDED)
