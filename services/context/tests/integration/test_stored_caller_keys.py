"""Records stored before ``caller_key`` existed get it once, when the store's indexes are
ensured (the worker's start after the upgrade), so a returning caller's earlier sessions
of the last 30 days show from then on; anonymous callers get none; a second start does
nothing (the pass is noted in the database). On the real MongoDB-wire server."""

from datetime import UTC, datetime, timedelta

import pytest
from context_service.adapters.stored_context import STORED_CONTEXT, StoredContextStore, _document
from context_service.domain import Caller, StoredContext
from mysessions_platform.testing.mongo_databases import MongoDatabases

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
NUMBER = Caller(address="+41 79 123 45 67", address_kind="pstn")


def record(session_id: str, caller: Caller) -> StoredContext:
    return StoredContext(
        tenant_id="acme",
        session_id=session_id,
        service_session_id=f"{session_id}:1",
        service_id="care",
        service_name="Care",
        left_at=NOW - timedelta(days=1),
        left_how="ended",
        started_at=None,
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=caller,
        parameters={},
        stored_at=NOW - timedelta(days=1),
        expires_at=NOW + timedelta(days=29),
    )


async def test_records_stored_before_keys_existed_are_keyed_once(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("ctx-keys")
    old = [
        record("s-1", NUMBER),
        record("s-2", Caller(address="Ann@Example.com", address_kind="email")),
        record("s-3", Caller(address="anonymous", address_kind="anonymous")),
    ]
    # As an older version wrote them: no caller_key.
    await database[STORED_CONTEXT].insert_many(
        [{k: v for k, v in _document(r).items() if k != "caller_key"} for r in old]
    )
    store = StoredContextStore(database)
    await store.ensure_indexes()
    keys = {d["session_id"]: d.get("caller_key") async for d in database[STORED_CONTEXT].find()}
    assert keys == {"s-1": "+41791234567", "s-2": "ann@example.com", "s-3": None}
    found = await store.of_callers("acme", ["+41791234567"], 5)
    assert [r.session_id for _, r in found["+41791234567"]] == ["s-1"]

    # Noted done: a later start leaves an unkeyed record (another writer's) alone.
    await database[STORED_CONTEXT].insert_one(
        {k: v for k, v in _document(record("s-4", NUMBER)).items() if k != "caller_key"}
    )
    await StoredContextStore(database).ensure_indexes()
    assert await database[STORED_CONTEXT].count_documents({"caller_key": {"$exists": True}}) == 2
